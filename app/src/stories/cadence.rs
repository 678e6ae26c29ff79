//! The weekly cadence: ISO weeks of calendar days, the twelve-week grid and the streak. Pure
//! functions of dates; "today" is decided by the caller in the organisation's time zone.
use crate::common::moment::{monday_of, week_label};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// One ISO week in a grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekCell {
    /// "2026-W47".
    pub week: String,
    /// Its Monday, "2026-11-16".
    pub monday: String,
    pub stories: i64,
}

/// Consecutive ISO weeks with a story, ending this week, or last week while this one is young.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Streak {
    pub weeks: u32,
    pub this_week: bool,
}

/// The `count` weeks ending with today's, oldest first, with the stories in each.
pub fn grid(today: NaiveDate, story_days: &[NaiveDate], count: usize) -> Vec<WeekCell> {
    let this_monday = monday_of(today);
    (0..count as i64)
        .rev()
        .map(|back| {
            let monday = this_monday - Duration::weeks(back);
            let stories = story_days
                .iter()
                .filter(|d| monday_of(**d) == monday)
                .count() as i64;
            WeekCell {
                week: week_label(monday),
                monday: monday.to_string(),
                stories,
            }
        })
        .collect()
}

/// The current streak. A week without a story yet does not break it until the week is over.
pub fn streak(today: NaiveDate, story_days: &[NaiveDate]) -> Streak {
    let mondays: std::collections::HashSet<NaiveDate> =
        story_days.iter().map(|d| monday_of(*d)).collect();
    let this_monday = monday_of(today);
    let this_week = mondays.contains(&this_monday);
    let mut cursor = if this_week {
        this_monday
    } else {
        this_monday - Duration::weeks(1)
    };
    let mut weeks = 0;
    while mondays.contains(&cursor) {
        weeks += 1;
        cursor -= Duration::weeks(1);
    }
    Streak { weeks, this_week }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::moment::parse_day;

    fn d(s: &str) -> NaiveDate {
        parse_day(s).unwrap()
    }

    #[test]
    fn a_streak_runs_through_the_53rd_week_into_the_new_year() {
        let days = [
            d("2026-12-16"),
            d("2026-12-23"),
            d("2026-12-30"),
            d("2027-01-05"),
        ];
        let s = streak(d("2027-01-06"), &days);
        assert_eq!(
            s,
            Streak {
                weeks: 4,
                this_week: true
            }
        );
    }

    #[test]
    fn a_streak_survives_an_empty_week_until_it_ends() {
        let days = [d("2026-11-10"), d("2026-11-17")];
        assert_eq!(
            streak(d("2026-11-23"), &days),
            Streak {
                weeks: 2,
                this_week: false
            }
        );
        assert_eq!(
            streak(d("2026-11-30"), &days),
            Streak {
                weeks: 0,
                this_week: false
            }
        );
    }

    #[test]
    fn a_gap_breaks_the_streak_and_several_stories_in_a_week_count_once() {
        let days = [
            d("2026-10-27"),
            d("2026-11-10"),
            d("2026-11-11"),
            d("2026-11-17"),
        ];
        assert_eq!(
            streak(d("2026-11-18"), &days),
            Streak {
                weeks: 2,
                this_week: true
            }
        );
    }

    #[test]
    fn the_grid_has_twelve_weeks_ending_this_week() {
        let days = [
            d("2026-11-17"),
            d("2026-11-18"),
            d("2026-09-01"),
            d("2026-08-01"),
        ];
        let g = grid(d("2026-11-22"), &days, 12);
        assert_eq!(g.len(), 12);
        assert_eq!(g[11].week, "2026-W47");
        assert_eq!(g[11].stories, 2);
        assert_eq!(g[0].week, "2026-W36");
        assert_eq!(g[0].stories, 1);
        assert_eq!(g.iter().map(|c| c.stories).sum::<i64>(), 3);
    }

    #[test]
    fn the_grid_spans_a_year_end_without_skipping_week_53() {
        let g = grid(d("2027-01-13"), &[], 4);
        let weeks: Vec<_> = g.iter().map(|c| c.week.as_str()).collect();
        assert_eq!(weeks, ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]);
    }
}
