//! ISO 8601 weeks ("2026-W47") as UTC millisecond ranges, for filters that drill into a week.
use chrono::{NaiveDate, Weekday};

/// The [start, end) range of an ISO week in epoch milliseconds (UTC).
pub fn parse_iso_week(input: &str) -> Result<(i64, i64), String> {
    let err = || format!("'{input}' is not an ISO week like 2026-W47.");
    let (year, week) = input.trim().split_once("-W").ok_or_else(err)?;
    let year: i32 = year.parse().map_err(|_| err())?;
    let week: u32 = week.parse().map_err(|_| err())?;
    let monday = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or_else(err)?;
    let start = monday
        .and_hms_opt(0, 0, 0)
        .ok_or_else(err)?
        .and_utc()
        .timestamp_millis();
    Ok((start, start + 7 * 86_400_000))
}

/// The ISO week a moment falls in, e.g. "2026-W47".
pub fn iso_week_of(ms: i64) -> String {
    use chrono::Datelike;
    let week = chrono::DateTime::from_timestamp_millis(ms).map(|t| t.iso_week());
    week.map(|w| format!("{}-W{:02}", w.year(), w.week()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_week_starts_on_monday_at_midnight_utc() {
        let (start, end) = parse_iso_week("2026-W47").unwrap();
        assert_eq!(iso_week_of(start), "2026-W47");
        assert_eq!(iso_week_of(end - 1), "2026-W47");
        assert_eq!(iso_week_of(end), "2026-W48");
        assert_eq!(
            chrono::DateTime::from_timestamp_millis(start)
                .unwrap()
                .to_string(),
            "2026-11-16 00:00:00 UTC"
        );
    }

    #[test]
    fn week_one_can_start_in_the_previous_year() {
        let (start, _) = parse_iso_week("2026-W01").unwrap();
        assert_eq!(
            chrono::DateTime::from_timestamp_millis(start)
                .unwrap()
                .to_string(),
            "2025-12-29 00:00:00 UTC"
        );
    }

    #[test]
    fn week_53_exists_only_in_long_years() {
        assert!(parse_iso_week("2026-W53").is_ok());
        assert!(parse_iso_week("2025-W53").is_err());
        assert!(parse_iso_week("2026-47").is_err());
    }
}
