//! Money as an integer number of minor units with an ISO 4217 currency code: cents for USD,
//! yen for JPY, fils for KWD. Amounts are read from decimal strings ("3.99"), never floats, with
//! no more decimals than the currency has.
use super::currencies::decimals;
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

    /// Parses a non-negative decimal amount with at most as many decimals as the currency has.
    pub fn parse(amount: &str, currency: &str) -> Result<Self, String> {
        let currency = parse_currency(currency)?;
        let places = decimals(&currency).unwrap_or(2) as usize;
        let amount = amount.trim();
        if amount.is_empty() {
            return Ok(Self::zero(&currency));
        }
        let (whole, frac) = amount.split_once('.').unwrap_or((amount, ""));
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        let valid = !whole.is_empty()
            && whole.len() <= 12
            && digits(whole)
            && digits(frac)
            && !(amount.contains('.') && frac.is_empty());
        if !valid {
            return Err(match places {
                0 => format!("Enter a whole amount like 1250 ({currency} has no decimals)."),
                2 => "Enter an amount like 12.50 (digits, at most two decimals).".into(),
                n => format!("Enter an amount with digits and at most {n} decimals."),
            });
        }
        if frac.len() > places {
            return Err(match places {
                0 => format!("{currency} amounts have no decimals: enter a whole amount."),
                n => format!("{currency} amounts have at most {n} decimals."),
            });
        }
        let whole: i64 = whole
            .parse()
            .map_err(|_| "That amount is too large.".to_string())?;
        let frac: i64 = if places == 0 {
            0
        } else {
            format!("{frac:0<places$}").parse().unwrap_or(0)
        };
        Ok(Self {
            minor: whole * 10i64.pow(places as u32) + frac,
            currency,
        })
    }

    /// The amount as a decimal string with the currency's decimals, e.g. "3.99" or "1250".
    pub fn amount(&self) -> String {
        let places = decimals(&self.currency).unwrap_or(2) as usize;
        if places == 0 {
            return self.minor.to_string();
        }
        let unit = 10i64.pow(places as u32);
        format!("{}.{:0places$}", self.minor / unit, self.minor % unit)
    }

    pub fn display(&self) -> String {
        format!("{} {}", self.amount(), self.currency)
    }
}

/// An ISO 4217 currency code, upper-cased; empty means USD.
pub fn parse_currency(input: &str) -> Result<String, String> {
    let code = input.trim().to_uppercase();
    if code.is_empty() {
        return Ok("USD".into());
    }
    if decimals(&code).is_none() {
        return Err("Use a currency code from ISO 4217, such as USD, EUR or JPY.".into());
    }
    Ok(code)
}

/// An optional currency filter: "" is none (not USD, as for an amount), else an ISO 4217 code.
pub fn optional_currency(input: &str) -> Result<Option<String>, String> {
    match input.trim() {
        "" => Ok(None),
        c => parse_currency(c).map(Some),
    }
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
    fn currencies_are_iso_4217_codes() {
        assert!(Money::parse("1", "US").is_err());
        assert!(Money::parse("1", "U5D").is_err());
        assert!(Money::parse("49.99", "XAU").is_err());
        assert!(Money::parse("1", "ABC").is_err());
    }

    #[test]
    fn amounts_keep_to_the_decimals_of_their_currency() {
        assert_eq!(Money::parse("1250", "JPY").unwrap().minor, 1250);
        assert!(Money::parse("12.5", "JPY").is_err());
        assert_eq!(Money::parse("1.234", "KWD").unwrap().minor, 1234);
        assert!(Money::parse("1.2345", "KWD").is_err());
        assert!(Money::parse("1.999", "USD").is_err());
        assert_eq!(Money::parse("1.5", "KWD").unwrap().amount(), "1.500");
        assert_eq!(Money::parse("1250", "JPY").unwrap().display(), "1250 JPY");
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
