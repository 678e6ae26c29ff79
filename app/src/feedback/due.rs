//! Follow-up service levels in working days: weekends do not count.
use chrono::{DateTime, Datelike, Duration, Weekday};

const DAY_MS: i64 = 86_400_000;

fn is_weekend(d: Weekday) -> bool {
    matches!(d, Weekday::Sat | Weekday::Sun)
}

/// `days` working days after `from` (UTC), same time of day. An answer that arrives at the
/// weekend starts its clock on Monday morning, so weekend answers get two full working days too.
pub fn add_working_days(from: i64, days: i64) -> i64 {
    let Some(mut t) = DateTime::from_timestamp_millis(from) else {
        return from + days * DAY_MS;
    };
    if is_weekend(t.weekday()) {
        while is_weekend(t.weekday()) {
            t += Duration::days(1);
        }
        t = t
            .date_naive()
            .and_hms_opt(9, 0, 0)
            .map(|n| n.and_utc())
            .unwrap_or(t);
    }
    let mut left = days;
    while left > 0 {
        t += Duration::days(1);
        if !is_weekend(t.weekday()) {
            left -= 1;
        }
    }
    t.timestamp_millis()
}

/// Where an open follow-up stands against its due time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DueState {
    Overdue,
    DueToday,
    Later,
    Closed,
}

impl DueState {
    pub fn of(due_at: i64, closed: bool, now: i64) -> Self {
        if closed {
            Self::Closed
        } else if due_at <= now {
            Self::Overdue
        } else if due_at < (now / DAY_MS + 1) * DAY_MS {
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};

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
            add_working_days(at(2026, 11, 16, 10), 2),
            at(2026, 11, 18, 10)
        );
        // Thursday + 2 working days = Monday.
        assert_eq!(
            add_working_days(at(2026, 11, 19, 10), 2),
            at(2026, 11, 23, 10)
        );
        // Friday + 2 = Tuesday; Friday + 1 = Monday.
        assert_eq!(
            add_working_days(at(2026, 11, 20, 15), 2),
            at(2026, 11, 24, 15)
        );
        assert_eq!(
            add_working_days(at(2026, 11, 20, 15), 1),
            at(2026, 11, 23, 15)
        );
    }

    #[test]
    fn weekend_answers_start_on_monday_morning() {
        assert_eq!(
            add_working_days(at(2026, 11, 21, 22), 2),
            at(2026, 11, 25, 9)
        );
        assert_eq!(
            add_working_days(at(2026, 11, 22, 3), 1),
            at(2026, 11, 24, 9)
        );
    }

    #[test]
    fn across_the_year_end() {
        // Thursday 31 Dec 2026 + 2 working days = Monday 4 Jan 2027.
        assert_eq!(
            add_working_days(at(2026, 12, 31, 12), 2),
            at(2027, 1, 4, 12)
        );
    }

    #[test]
    fn due_states() {
        let now = at(2026, 11, 18, 10);
        assert_eq!(DueState::of(now - 1, false, now), DueState::Overdue);
        assert_eq!(
            DueState::of(at(2026, 11, 18, 23), false, now),
            DueState::DueToday
        );
        assert_eq!(
            DueState::of(at(2026, 11, 19, 1), false, now),
            DueState::Later
        );
        assert_eq!(DueState::of(now - 1, true, now), DueState::Closed);
    }
}
