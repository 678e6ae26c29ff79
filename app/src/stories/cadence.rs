//! The weekly cadence: ISO weeks of calendar days, the twelve-week grid and the streak. Pure
//! functions of dates; "today" is decided by the caller in the organisation's time zone.
use chrono::{Datelike, Duration, NaiveDate, Weekday};
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

pub fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(day.weekday().num_days_from_monday() as i64)
}

/// The ISO week label of a day, e.g. "2026-W47" (the ISO year can differ from the calendar's).
pub fn week_label(day: NaiveDate) -> String {
    let w = day.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// The Monday of an ISO week label.
pub fn parse_week(input: &str) -> Result<NaiveDate, String> {
    let err = || format!("'{}' is not an ISO week like 2026-W47.", input.trim());
    let (year, week) = input.trim().split_once("-W").ok_or_else(err)?;
    let year: i32 = year.parse().map_err(|_| err())?;
    let week: u32 = week.parse().map_err(|_| err())?;
    // Far-off years would push week arithmetic past the calendar's ends.
    if !(2000..=2100).contains(&year) {
        return Err(format!("Choose a week between 2000 and 2100, not {year}."));
    }
    NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or_else(err)
}

pub fn parse_day(input: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(input.trim(), "%Y-%m-%d").ok()
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

    #[test]
    fn weeks_outside_2000_to_2100_are_refused() {
        assert!(parse_week("2026-W47").is_ok());
        for far in ["1999-W52", "2101-W01", "-262144-W01", "99999-W01"] {
            assert!(parse_week(far).is_err(), "{far}");
        }
    }

    fn d(s: &str) -> NaiveDate {
        parse_day(s).unwrap()
    }

    #[test]
    fn iso_weeks_cross_year_ends() {
        assert_eq!(week_label(d("2026-12-31")), "2026-W53");
        assert_eq!(week_label(d("2027-01-03")), "2026-W53");
        assert_eq!(week_label(d("2027-01-04")), "2027-W01");
        assert_eq!(week_label(d("2025-12-29")), "2026-W01");
        assert_eq!(week_label(d("2024-12-30")), "2025-W01");
        assert_eq!(parse_week("2026-W53").unwrap(), d("2026-12-28"));
        assert!(parse_week("2025-W53").is_err());
        assert!(parse_week("W47").is_err());
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
