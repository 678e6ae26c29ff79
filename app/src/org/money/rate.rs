//! An exchange rate as written ("1.0825": how many units of the organisation currency one unit
//! of the other buys), kept in billionths so conversion is exact integer arithmetic.
use crate::common::currencies::decimals;

const NANOS: i64 = 1_000_000_000;

/// Reads a rate: a positive decimal with at most 9 decimals and 9 whole digits.
pub fn parse(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || (t.contains('.') && frac.is_empty()) {
        return Err("Write the rate as a decimal number like 1.0825.".into());
    }
    if whole.len() > 9 || frac.len() > 9 {
        return Err("A rate has at most 9 whole digits and 9 decimals.".into());
    }
    let whole: i64 = whole.parse().map_err(|_| "That rate is too large.")?;
    let frac: i64 = format!("{frac:0<9}").parse().unwrap_or(0);
    let nanos = whole * NANOS + frac;
    if nanos == 0 {
        return Err("A rate must be more than zero.".into());
    }
    Ok(nanos)
}

/// The rate as text without trailing zeros ("1.0825", "150").
pub fn show(nanos: i64) -> String {
    let frac = format!("{:09}", nanos % NANOS);
    let frac = frac.trim_end_matches('0');
    match frac {
        "" => (nanos / NANOS).to_string(),
        f => format!("{}.{f}", nanos / NANOS),
    }
}

/// `minor` units of `from` at `nanos` billionths of `to` per unit, in `to`'s minor units,
/// rounded to the nearest (halves away from zero).
pub fn convert(minor: i64, from: &str, nanos: i64, to: &str) -> i64 {
    let pow = |c: &str| 10i128.pow(decimals(c).unwrap_or(2));
    let num = minor as i128 * nanos as i128 * pow(to);
    let den = NANOS as i128 * pow(from);
    let q = num / den;
    let r = num % den;
    let rounded = if 2 * r.abs() >= den {
        q + num.signum()
    } else {
        q
    };
    rounded as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_read_exactly() {
        assert_eq!(parse("1.0825"), Ok(1_082_500_000));
        assert_eq!(parse(" 150 "), Ok(150 * NANOS));
        assert_eq!(parse("0.006711"), Ok(6_711_000));
        for bad in [
            "",
            "0",
            "0.000",
            "-1",
            "1,5",
            "1.",
            ".5",
            "1e3",
            "abc",
            "1.0000000001",
        ] {
            assert!(parse(bad).is_err(), "{bad} was read");
        }
        assert_eq!(show(1_082_500_000), "1.0825");
        assert_eq!(show(150 * NANOS), "150");
    }

    #[test]
    fn conversion_rounds_half_away_from_zero_between_decimals() {
        // 10.00 EUR at 1.0825: 10.825 USD, rounded up to 10.83.
        assert_eq!(convert(1000, "EUR", 1_082_500_000, "USD"), 1083);
        // 0.05 EUR at 1.1: 0.055, half a cent, rounds to 0.06.
        assert_eq!(convert(5, "EUR", 1_100_000_000, "USD"), 6);
        // 1,250 yen at 0.0067 USD = 8.375 USD → 8.38.
        assert_eq!(convert(1250, "JPY", 6_700_000, "USD"), 838);
        // 10.00 USD at 149.5 yen = 1,495 yen.
        assert_eq!(convert(1000, "USD", 149_500_000_000, "JPY"), 1495);
        // 1.000 KWD (three decimals) at 3.25 = 3.25 USD.
        assert_eq!(convert(1000, "KWD", 3_250_000_000, "USD"), 325);
        assert_eq!(convert(-1000, "EUR", 1_082_500_000, "USD"), -1083);
    }
}
