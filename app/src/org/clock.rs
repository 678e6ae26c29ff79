//! Calendar days and ISO weeks as the organisation lives them: "today" and "this week" are read
//! in its time zone, so a Monday-morning story in Sydney counts for the new week.
use crate::db::Db;
use crate::error::AppError;
use crate::org_settings as store;
use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;

const KEY: &str = "time_zone";

pub fn parse_time_zone(name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| {
        format!(
            "'{}' is not a time zone name like Europe/Berlin.",
            name.trim()
        )
    })
}

/// The organisation's time zone (UTC until an admin sets one).
pub async fn time_zone(db: &Db) -> Result<Tz, AppError> {
    time_zone_in(db).await
}

/// The organisation's time zone, read inside a transaction or from the pool.
pub async fn time_zone_in<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    db: E,
) -> Result<Tz, AppError> {
    Ok(store::get(db, KEY)
        .await?
        .and_then(|v| parse_time_zone(&v).ok())
        .unwrap_or(Tz::UTC))
}

pub async fn set_time_zone<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    db: E,
    tz: Tz,
) -> Result<(), AppError> {
    store::put(db, KEY, tz.name()).await
}

/// The calendar day a moment falls on in `tz`.
pub fn day_of(tz: Tz, ms: i64) -> NaiveDate {
    let utc = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
    utc.with_timezone(&tz).date_naive()
}

/// The moment a calendar day begins in `tz` (the first valid local time on days that skip
/// midnight for daylight saving).
pub fn start_of(tz: Tz, day: NaiveDate) -> i64 {
    let mut t = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    for _ in 0..4 {
        if let Some(local) = tz.from_local_datetime(&t).earliest() {
            return local.timestamp_millis();
        }
        t += chrono::Duration::minutes(30);
    }
    t.and_utc().timestamp_millis()
}

/// The [start, end) moments of the seven days from `monday` in `tz`.
pub fn week_range(tz: Tz, monday: NaiveDate) -> (i64, i64) {
    (
        start_of(tz, monday),
        start_of(tz, monday + chrono::Duration::days(7)),
    )
}

/// The [start, end) moments of an ISO week label ("2026-W47") in `tz`.
pub fn iso_week_range(tz: Tz, label: &str) -> Result<(i64, i64), String> {
    Ok(week_range(tz, crate::common::moment::parse_week(label)?))
}

/// An optional ISO week filter ("" = none) as its [start, end) moments in `tz`.
pub fn optional_week(tz: Tz, label: &str) -> Result<Option<(i64, i64)>, String> {
    match label.trim() {
        "" => Ok(None),
        l => iso_week_range(tz, l).map(Some),
    }
}

/// An ISO week label as a filter range in the organisation's time zone.
pub async fn week_filter(db: &Db, label: &str) -> Result<(i64, i64), AppError> {
    let tz = time_zone(db).await?;
    iso_week_range(tz, label).map_err(|m| AppError::field("week", m))
}

/// The Monday of the week a moment falls in, in `tz`.
pub fn monday_of(tz: Tz, ms: i64) -> NaiveDate {
    crate::common::moment::monday_of(day_of(tz, ms))
}

/// The next local midnight after a moment: where "today" ends.
pub fn end_of_day(tz: Tz, ms: i64) -> i64 {
    start_of(tz, day_of(tz, ms) + chrono::Duration::days(1))
}

/// Every time zone name, for the settings page.
pub fn names() -> Vec<String> {
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn the_same_moment_is_a_different_day_in_another_zone() {
        let sunday_late_utc = ms("2026-11-22T23:30:00Z");
        let berlin = parse_time_zone("Europe/Berlin").unwrap();
        let la = parse_time_zone("America/Los_Angeles").unwrap();
        assert_eq!(day_of(Tz::UTC, sunday_late_utc).to_string(), "2026-11-22");
        assert_eq!(day_of(berlin, sunday_late_utc).to_string(), "2026-11-23");
        assert_eq!(day_of(la, sunday_late_utc).to_string(), "2026-11-22");
    }

    #[test]
    fn a_local_week_starts_at_local_midnight() {
        let berlin = parse_time_zone("Europe/Berlin").unwrap();
        let monday = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
        let (start, end) = week_range(berlin, monday);
        assert_eq!(start, ms("2026-11-15T23:00:00Z"));
        assert_eq!(end, ms("2026-11-22T23:00:00Z"));
    }

    #[test]
    fn a_week_across_a_clock_change_is_not_seven_times_24_hours() {
        let berlin = parse_time_zone("Europe/Berlin").unwrap();
        let monday = NaiveDate::from_ymd_opt(2026, 10, 19).unwrap();
        let (start, end) = week_range(berlin, monday);
        assert_eq!(end - start, (7 * 24 + 1) * 3_600_000);
    }

    #[test]
    fn an_iso_week_in_utc_runs_monday_to_monday() {
        let (start, end) = iso_week_range(Tz::UTC, "2026-W47").unwrap();
        assert_eq!(start, ms("2026-11-16T00:00:00Z"));
        assert_eq!(end - start, 7 * 86_400_000);
        let (start, _) = iso_week_range(Tz::UTC, "2026-W01").unwrap();
        assert_eq!(start, ms("2025-12-29T00:00:00Z"));
        assert!(iso_week_range(Tz::UTC, "2026-W53").is_ok());
        assert!(iso_week_range(Tz::UTC, "2025-W53").is_err());
        assert!(iso_week_range(Tz::UTC, "2026-47").is_err());
    }

    #[test]
    fn unknown_zones_are_refused_with_an_example() {
        assert!(parse_time_zone("Mars/Olympus")
            .unwrap_err()
            .contains("Europe/Berlin"));
        assert_eq!(
            parse_time_zone(" Asia/Tokyo ").unwrap().name(),
            "Asia/Tokyo"
        );
    }
}
