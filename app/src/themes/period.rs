//! The period themes are read for: a first and a last day (both included) in the organisation's
//! time zone, the last complete week by default.
use crate::common::moment::parse_day;
use crate::error::{AppError, FieldError};
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;

/// The longest period, in days: a year and a day.
pub const MAX_DAYS: i64 = 366;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Period {
    /// From `from` and `to` as `YYYY-MM-DD` ("" for either: the last complete week).
    pub fn parse(from: &str, to: &str, tz: Tz, now: i64) -> Result<Self, AppError> {
        let (from, to) = (from.trim(), to.trim());
        let monday = crate::org::clock::monday_of(tz, now) - Duration::days(7);
        if from.is_empty() && to.is_empty() {
            return Ok(Self {
                first: monday,
                last: monday + Duration::days(6),
            });
        }
        let day = |v: &str, field: &str| -> Result<NaiveDate, FieldError> {
            use chrono::Datelike;
            let shown: String = v.chars().take(20).collect();
            match parse_day(v) {
                Some(d) if (2000..=2100).contains(&d.year()) => Ok(d),
                Some(_) => Err(FieldError::new(
                    field,
                    format!("'{shown}': choose a day between 2000 and 2100."),
                )),
                None => Err(FieldError::new(
                    field,
                    format!("'{shown}' is not a date: use YYYY-MM-DD."),
                )),
            }
        };
        let mut errors = Vec::new();
        let first = match from {
            "" => None,
            v => day(v, "from").map_err(|e| errors.push(e)).ok(),
        };
        let last = match to {
            "" => None,
            v => day(v, "to").map_err(|e| errors.push(e)).ok(),
        };
        if !errors.is_empty() {
            return Err(AppError::fields(errors));
        }
        // One end given: a week from it, or up to it.
        let (first, last) = match (first, last) {
            (Some(f), Some(l)) => (f, l),
            (Some(f), None) => (f, f + Duration::days(6)),
            (None, Some(l)) => (l - Duration::days(6), l),
            (None, None) => unreachable!("both empty returned above"),
        };
        if last < first {
            return Err(AppError::field(
                "to",
                "The last day comes before the first.",
            ));
        }
        if (last - first).num_days() + 1 > MAX_DAYS {
            return Err(AppError::field(
                "to",
                format!("A period is at most {MAX_DAYS} days."),
            ));
        }
        Ok(Self { first, last })
    }

    pub fn days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }

    /// `[start, end)` in milliseconds.
    pub fn range(&self, tz: Tz) -> (i64, i64) {
        (
            crate::org::clock::start_of(tz, self.first),
            crate::org::clock::start_of(tz, self.last + Duration::days(1)),
        )
    }

    /// The period of the same length just before.
    pub fn previous(&self) -> Self {
        let days = Duration::days(self.days());
        Self {
            first: self.first - days,
            last: self.last - days,
        }
    }

    /// The four weeks before the period: its theme's usual volume.
    pub fn usual(&self) -> Self {
        Self {
            first: self.first - Duration::days(28),
            last: self.first - Duration::days(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        parse_day(s).unwrap()
    }

    #[test]
    fn no_dates_mean_the_last_complete_week() {
        // Thursday 2026-12-03 12:00 UTC.
        let p = Period::parse("", "", chrono_tz::UTC, 1_796_299_200_000).unwrap();
        assert_eq!((p.first, p.last), (day("2026-11-23"), day("2026-11-29")));
        assert_eq!(p.previous().first, day("2026-11-16"));
        assert_eq!(p.usual().first, day("2026-10-26"));
        assert_eq!(p.usual().last, day("2026-11-22"));
    }

    #[test]
    fn bad_periods_are_refused_with_the_field() {
        let parse = |f, t| Period::parse(f, t, chrono_tz::UTC, 0);
        assert!(parse("2026-13-01", "")
            .unwrap_err()
            .field_message("from")
            .is_some());
        assert!(parse("2026-11-10", "2026-11-01")
            .unwrap_err()
            .field_message("to")
            .is_some());
        assert!(parse("2025-01-01", "2026-12-01")
            .unwrap_err()
            .field_message("to")
            .is_some());
        // Years chrono accepts but no period of texts reaches.
        assert!(parse("+262143-12-31", "")
            .unwrap_err()
            .field_message("from")
            .is_some());
        assert!(parse("", "-262144-01-03")
            .unwrap_err()
            .field_message("to")
            .is_some());
        let p = parse("2026-11-01", "2026-11-30").unwrap();
        assert_eq!(p.days(), 30);
        assert_eq!(p.previous().last, day("2026-10-31"));
    }
}
