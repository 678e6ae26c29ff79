//! The organisation's rates in memory: each currency's rates with the moment each applies
//! from, and the conversion of one amount at the rate in force at its own moment.
use super::rate;
use std::collections::BTreeMap;

/// The organisation currency and, per other currency, its rates as (applies from, in epoch
/// milliseconds; rate in billionths), oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rates {
    pub currency: String,
    table: BTreeMap<String, Vec<(i64, i64)>>,
}

impl Rates {
    pub fn new(currency: &str) -> Self {
        Self {
            currency: currency.into(),
            table: BTreeMap::new(),
        }
    }

    /// Adds a rate applying from `from` (epoch ms) for `currency`.
    pub fn with(mut self, currency: &str, from: i64, nanos: i64) -> Self {
        let rates = self.table.entry(currency.into()).or_default();
        rates.push((from, nanos));
        rates.sort();
        self
    }

    /// The rate of `currency` in force at `at`, in billionths.
    pub fn rate_at(&self, currency: &str, at: i64) -> Option<i64> {
        let rates = self.table.get(currency)?;
        let after = rates.partition_point(|(from, _)| *from <= at);
        after.checked_sub(1).map(|i| rates[i].1)
    }

    /// `minor` units of `currency` at `at` in the organisation currency's minor units; `None`
    /// when no rate was in force then.
    pub fn convert(&self, currency: &str, at: i64, minor: i64) -> Option<i64> {
        if currency == self.currency {
            return Some(minor);
        }
        let nanos = self.rate_at(currency, at)?;
        Some(rate::convert(minor, currency, nanos, &self.currency))
    }
}

/// A sum of money in the organisation currency, and how many amounts of each other currency
/// had no rate in force on their date (never added).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Total {
    pub minor: i64,
    pub unrated: BTreeMap<String, i64>,
}

impl Total {
    /// Adds `count` amounts of `minor` units of `currency`, each at `at`.
    pub fn add(&mut self, rates: &Rates, currency: &str, at: i64, minor: i64, count: i64) {
        if minor == 0 {
            return;
        }
        match rates.convert(currency, at, minor) {
            Some(converted) => self.minor += converted * count,
            None => *self.unrated.entry(currency.into()).or_default() += count,
        }
    }

    /// Adds an amount already summed in the organisation currency.
    pub fn add_converted(&mut self, minor: i64) {
        self.minor += minor;
    }

    pub fn merge(&mut self, other: &Total) {
        self.minor += other.minor;
        for (c, n) in &other.unrated {
            *self.unrated.entry(c.clone()).or_default() += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    #[test]
    fn each_amount_takes_the_rate_in_force_on_its_own_date() {
        let rates = Rates::new("USD")
            .with("EUR", 10 * DAY, 1_100_000_000)
            .with("EUR", 3 * DAY, 1_050_000_000)
            .with("JPY", 0, 6_700_000);
        assert_eq!(rates.convert("USD", 0, 1234), Some(1234));
        assert_eq!(rates.convert("EUR", 2 * DAY, 1000), None);
        assert_eq!(rates.convert("EUR", 3 * DAY, 1000), Some(1050));
        assert_eq!(rates.convert("EUR", 10 * DAY - 1, 1000), Some(1050));
        assert_eq!(rates.convert("EUR", 10 * DAY, 1000), Some(1100));
        // 1,500 yen (no decimals) at 0.0067 USD: 10.05 USD.
        assert_eq!(rates.convert("JPY", DAY, 1500), Some(1005));
        assert_eq!(rates.convert("GBP", DAY, 1500), None);
        let mut total = Total::default();
        total.add(&rates, "EUR", 4 * DAY, 1000, 2);
        total.add(&rates, "GBP", 4 * DAY, 700, 1);
        total.add(&rates, "GBP", 5 * DAY, 300, 2);
        total.add(&rates, "USD", 5 * DAY, 5, 1);
        assert_eq!(total.minor, 2105);
        assert_eq!(total.unrated, BTreeMap::from([("GBP".to_string(), 3)]));
    }
}
