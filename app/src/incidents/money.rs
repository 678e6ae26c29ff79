//! Money as an integer number of minor units (cents) with an ISO 4217 currency code. Amounts are
//! read from decimal strings ("3.99"), never floats; two decimal places are assumed.
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: String,
}

impl Money {
    pub fn zero(currency: &str) -> Self {
        Self {
            minor: 0,
            currency: currency.to_string(),
        }
    }

    /// Parses a non-negative decimal amount with at most two decimal places.
    pub fn parse(amount: &str, currency: &str) -> Result<Self, String> {
        let currency = parse_currency(currency)?;
        let amount = amount.trim();
        if amount.is_empty() {
            return Ok(Self::zero(&currency));
        }
        let (whole, frac) = amount.split_once('.').unwrap_or((amount, ""));
        let valid = !whole.is_empty()
            && whole.len() <= 12
            && whole.chars().all(|c| c.is_ascii_digit())
            && frac.len() <= 2
            && frac.chars().all(|c| c.is_ascii_digit())
            && !(amount.contains('.') && frac.is_empty());
        if !valid {
            return Err("Enter an amount like 12.50 (digits, at most two decimals).".into());
        }
        let whole: i64 = whole
            .parse()
            .map_err(|_| "That amount is too large.".to_string())?;
        let frac: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
        Ok(Self {
            minor: whole * 100 + frac,
            currency,
        })
    }

    /// The amount as a decimal string, e.g. "3.99".
    pub fn amount(&self) -> String {
        format!("{}.{:02}", self.minor / 100, self.minor % 100)
    }

    pub fn display(&self) -> String {
        format!("{} {}", self.amount(), self.currency)
    }
}

pub fn parse_currency(input: &str) -> Result<String, String> {
    let code = input.trim().to_uppercase();
    if code.is_empty() {
        return Ok("USD".into());
    }
    if code.len() != 3 || !code.chars().all(|c| c.is_ascii_uppercase()) {
        return Err("Use a three-letter currency code such as USD or EUR.".into());
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::Money;

    #[test]
    fn decimal_strings_become_minor_units() {
        assert_eq!(
            Money::parse("3.99", "usd").unwrap(),
            Money {
                minor: 399,
                currency: "USD".into()
            }
        );
        assert_eq!(Money::parse("4", "EUR").unwrap().minor, 400);
        assert_eq!(Money::parse("4.5", "EUR").unwrap().minor, 450);
        assert_eq!(Money::parse("", "").unwrap(), Money::zero("USD"));
    }

    #[test]
    fn malformed_amounts_are_refused() {
        for bad in [
            "-1",
            "1.999",
            "abc",
            "1,50",
            "1.",
            ".5",
            "1e3",
            "9999999999999",
        ] {
            assert!(Money::parse(bad, "USD").is_err(), "{bad}");
        }
    }

    #[test]
    fn currencies_are_three_letters() {
        assert!(Money::parse("1", "US").is_err());
        assert!(Money::parse("1", "U5D").is_err());
    }

    #[test]
    fn amounts_print_with_two_decimals() {
        assert_eq!(
            Money {
                minor: 5,
                currency: "USD".into()
            }
            .display(),
            "0.05 USD"
        );
        assert_eq!(
            Money {
                minor: 1250,
                currency: "EUR".into()
            }
            .amount(),
            "12.50"
        );
    }
}
