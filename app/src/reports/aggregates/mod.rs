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

/// The owner id under which a team's counts (its current members' summed) are kept.
pub fn team_owner(team: i64) -> i64 {
    ORGANISATION - team
}

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

    /// Adds each team's members' counts under the team's owner id (`team_of`: staff → team).
    pub fn with_teams(mut self, team_of: &BTreeMap<i64, i64>) -> Self {
        let mut teams = Week::default();
        for (owner, c) in &self.counts {
            if let Some(team) = team_of.get(owner) {
                for (k, v) in c {
                    teams.add(team_owner(*team), k, *v);
                }
            }
        }
        for (owner, t) in &self.times {
            if let Some(team) = team_of.get(owner) {
                let times = teams.times.entry(team_owner(*team)).or_default();
                for (k, n) in t {
                    *times.entry(*k).or_default() += n;
                }
            }
        }
        for (owner, c) in teams.counts {
            let c: Counts = c.into_iter().filter(|(_, v)| *v != 0).collect();
            if !c.is_empty() {
                self.counts.insert(owner, c);
            }
        }
        self.times.extend(teams.times);
        self
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_rows_sum_their_members_only() {
        let mut week = Week::default();
        week.add(1, "opened", 2);
        week.add(2, "opened", 3);
        week.add(3, "opened", 7);
        week.add(0, "opened", 1);
        week.times.insert(1, BTreeMap::from([(40, 1)]));
        week.times.insert(2, BTreeMap::from([(40, 2), (100, 1)]));
        let week = week
            .with_organisation()
            .with_teams(&BTreeMap::from([(1, 5), (2, 5), (3, 6)]));
        assert_eq!(week.counts[&team_owner(5)]["opened"], 5);
        assert_eq!(week.counts[&team_owner(6)]["opened"], 7);
        assert_eq!(week.counts[&ORGANISATION]["opened"], 13);
        assert_eq!(
            week.times[&team_owner(5)],
            BTreeMap::from([(40, 3), (100, 1)])
        );
        assert!(!week.times.contains_key(&team_owner(6)));
        assert_eq!(team_owner(5), -6);
    }
}
