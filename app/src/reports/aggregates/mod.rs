//! The weekly aggregates the report reads: additive counts per ISO week and owner (the staff
//! member a record belongs to; 0 for nobody; `ORGANISATION` for everyone), and the week's times
//! to recover as (tenths of an hour, how many). Database triggers leave a touch for every change
//! to a row a figure reads, in the change's own transaction; `refresh` recomputes the weeks
//! touched from the raw rows before anything is read, so what is read always equals a full
//! recomputation, and reading costs the same however long the history.
pub mod compute;
pub mod read;
pub mod refresh;

use std::collections::BTreeMap;

/// The owner id under which the whole organisation's counts are kept.
pub const ORGANISATION: i64 = -1;

/// Figure name → value.
pub type Counts = BTreeMap<String, i64>;

/// One week's counts per owner, and its times to recover per owner (tenths → how many).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Week {
    pub counts: BTreeMap<i64, Counts>,
    pub times: BTreeMap<i64, BTreeMap<i64, i64>>,
}

impl Week {
    pub fn add(&mut self, owner: i64, figure: &str, value: i64) {
        if value != 0 {
            *self
                .counts
                .entry(owner)
                .or_default()
                .entry(figure.into())
                .or_default() += value;
        }
    }

    /// Adds everyone's counts under `ORGANISATION`.
    pub fn with_organisation(mut self) -> Self {
        let mut all = Counts::new();
        for c in self.counts.values() {
            for (k, v) in c {
                *all.entry(k.clone()).or_default() += v;
            }
        }
        let mut times: BTreeMap<i64, i64> = BTreeMap::new();
        for t in self.times.values() {
            for (k, n) in t {
                *times.entry(*k).or_default() += n;
            }
        }
        all.retain(|_, v| *v != 0);
        if !all.is_empty() {
            self.counts.insert(ORGANISATION, all);
        }
        if !times.is_empty() {
            self.times.insert(ORGANISATION, times);
        }
        self
    }
}
