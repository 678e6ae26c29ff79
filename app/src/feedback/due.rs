//! Follow-up service levels in working days: weekends do not count.
#[cfg(feature = "ssr")]
use chrono::{DateTime, Datelike, Duration, Weekday};

#[cfg(feature = "ssr")]
const DAY_MS: i64 = 86_400_000;

#[cfg(feature = "ssr")]
fn is_weekend(d: Weekday) -> bool {
    matches!(d, Weekday::Sat | Weekday::Sun)
}

/// `days` working days after `from`, same local time of day, in the organisation's time zone.
/// An answer that arrives at the weekend starts its clock on Monday at 09:00, so weekend answers
/// get two full working days too.
#[cfg(feature = "ssr")]
pub fn add_working_days(from: i64, days: i64, tz: chrono_tz::Tz) -> i64 {
    use chrono::TimeZone;
    let Some(utc) = DateTime::from_timestamp_millis(from) else {
        return from + days * DAY_MS;
    };
    let mut t = utc.with_timezone(&tz).naive_local();
    if is_weekend(t.weekday()) {
        while is_weekend(t.weekday()) {
            t += Duration::days(1);
        }
        t = t.date().and_hms_opt(9, 0, 0).unwrap_or(t);
    }
    let mut left = days;
    while left > 0 {
        t += Duration::days(1);
        if !is_weekend(t.weekday()) {
            left -= 1;
        }
    }
    // A local time skipped by a clock change moves to the first valid moment after it.
    for _ in 0..4 {
        if let Some(local) = tz.from_local_datetime(&t).earliest() {
            return local.timestamp_millis();
        }
        t += Duration::minutes(30);
    }
    t.and_utc().timestamp_millis()
}

/// Where an open follow-up stands against its due time.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DueState {
    Overdue,
    DueToday,
    Later,
    Closed,
}

impl DueState {
    /// `end_of_today` is the next local midnight in the organisation's time zone.
    pub fn of(due_at: i64, closed: bool, now: i64, end_of_today: i64) -> Self {
        if closed {
            Self::Closed
        } else if due_at <= now {
            Self::Overdue
        } else if due_at < end_of_today {
            Self::DueToday
        } else {
            Self::Later
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Overdue => "Overdue",
            Self::DueToday => "Due today",
            Self::Later => "On track",
            Self::Closed => "Closed",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Self::Overdue => "badge sla-overdue",
            Self::DueToday => "badge sla-due-soon",
            Self::Later => "badge sla-on-track",
            Self::Closed => "badge sla-met",
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};
    use chrono_tz::Tz;

    fn at(y: i32, m: u32, d: u32, h: u32) -> i64 {
        Utc.from_utc_datetime(
            &NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap(),
        )
        .timestamp_millis()
    }

    #[test]
    fn weekdays_count_and_weekends_do_not() {
        // 2026-11-16 is a Monday.
        assert_eq!(
            add_working_days(at(2026, 11, 16, 10), 2, Tz::UTC),
            at(2026, 11, 18, 10)
        );
        // Thursday + 2 working days = Monday.
        assert_eq!(
            add_working_days(at(2026, 11, 19, 10), 2, Tz::UTC),
            at(2026, 11, 23, 10)
        );
        // Friday + 2 = Tuesday; Friday + 1 = Monday.
        assert_eq!(
            add_working_days(at(2026, 11, 20, 15), 2, Tz::UTC),
            at(2026, 11, 24, 15)
        );
        assert_eq!(
            add_working_days(at(2026, 11, 20, 15), 1, Tz::UTC),
            at(2026, 11, 23, 15)
        );
    }

    #[test]
    fn weekend_answers_start_on_monday_morning() {
        assert_eq!(
            add_working_days(at(2026, 11, 21, 22), 2, Tz::UTC),
            at(2026, 11, 25, 9)
        );
        assert_eq!(
            add_working_days(at(2026, 11, 22, 3), 1, Tz::UTC),
            at(2026, 11, 24, 9)
        );
    }

    #[test]
    fn across_the_year_end() {
        // Thursday 31 Dec 2026 + 2 working days = Monday 4 Jan 2027.
        assert_eq!(
            add_working_days(at(2026, 12, 31, 12), 2, Tz::UTC),
            at(2027, 1, 4, 12)
        );
    }

    #[test]
    fn due_states() {
        let now = at(2026, 11, 18, 10);
        assert_eq!(
            DueState::of(now - 1, false, now, at(2026, 11, 19, 0)),
            DueState::Overdue
        );
        assert_eq!(
            DueState::of(at(2026, 11, 18, 23), false, now, at(2026, 11, 19, 0)),
            DueState::DueToday
        );
        assert_eq!(
            DueState::of(at(2026, 11, 19, 1), false, now, at(2026, 11, 19, 0)),
            DueState::Later
        );
        assert_eq!(
            DueState::of(now - 1, true, now, at(2026, 11, 19, 0)),
            DueState::Closed
        );
    }

    #[test]
    fn working_days_follow_the_organisations_calendar() {
        // Friday 23:30 UTC is already Saturday in Berlin: the clock starts Monday 09:00 there.
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(
            add_working_days(at(2026, 11, 20, 23) + 30 * 60_000, 1, berlin),
            at(2026, 11, 24, 8)
        );
        assert_eq!(
            add_working_days(at(2026, 11, 20, 23) + 30 * 60_000, 1, Tz::UTC),
            at(2026, 11, 23, 23) + 30 * 60_000
        );
    }
}
