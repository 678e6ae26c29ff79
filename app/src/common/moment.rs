//! Moments and weeks as people type and read them: `datetime-local` or RFC 3339 input read as
//! UTC milliseconds, and ISO weeks ("2026-W47") of calendar days.
use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Reads `datetime-local` input ("2026-11-20T21:14") or RFC 3339, as UTC.
pub fn parse_moment(input: &str) -> Result<i64, String> {
    let input = input.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(input) {
        return Ok(t.timestamp_millis());
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(input, format) {
            return Ok(t.and_utc().timestamp_millis());
        }
    }
    Err("Enter a date and time like 2026-11-20 21:14.".into())
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
    // Quotes at most a few characters back: the input may be a megabyte of query string.
    let err = || {
        let shown: String = input.trim().chars().take(20).collect();
        let more = if input.trim().chars().count() > 20 {
            "…"
        } else {
            ""
        };
        format!("'{shown}{more}' is not an ISO week like 2026-W47.")
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_bad_week_is_not_quoted_whole() {
        let message = parse_week(&"x".repeat(5_000)).unwrap_err();
        assert!(message.len() < 80, "{message}");
    }

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
}
