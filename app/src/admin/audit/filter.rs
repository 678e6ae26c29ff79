//! The audit log's filters read from what a form or a query string sends: who (a person or a
//! kind of actor), the action, the record type and id, a date range in the organisation's time
//! zone, the cursor of a page and its size. Every problem is a 422 naming its field.
use crate::error::{AppError, FieldError};
use base64::Engine;
use chrono_tz::Tz;

/// The kinds of actor the log records.
pub const ACTOR_KINDS: [&str; 5] = ["staff", "customer", "api_token", "system", "anonymous"];

/// Entries per page unless asked otherwise, and the most one page may hold.
pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// Who did it: a kind of actor, and which one of that kind when given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActorFilter {
    pub kind: &'static str,
    pub id: Option<i64>,
}

/// Where a page starts: just older than the entry at `at` with `id` (the last one shown).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub at: i64,
    pub id: i64,
}

impl Cursor {
    /// The opaque text a client sends back for the next page.
    pub fn encode(self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{}:{}", self.at, self.id))
    }

    pub fn decode(text: &str) -> Result<Self, String> {
        let bad = || "That cursor is not one this log gave out; start again from the first page.";
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| bad().to_string())?;
        let text = String::from_utf8(bytes).map_err(|_| bad().to_string())?;
        let (at, id) = text.split_once(':').ok_or_else(|| bad().to_string())?;
        Ok(Self {
            at: at.parse().map_err(|_| bad().to_string())?,
            id: id.parse().map_err(|_| bad().to_string())?,
        })
    }
}

/// The filters as sent, each blank for "any".
#[derive(Clone, Copy, Debug, Default)]
pub struct FilterInput<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub cursor: &'a str,
    pub limit: &'a str,
}

/// The filters, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor: Option<ActorFilter>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// Entries at or after this moment.
    pub from: Option<i64>,
    /// Entries before this moment.
    pub until: Option<i64>,
    pub cursor: Option<Cursor>,
    pub limit: i64,
}

impl AuditFilter {
    /// Reads the filters; dates are days in `tz` (`to` takes in its whole day) or RFC 3339
    /// moments.
    pub fn parse(input: &FilterInput<'_>, tz: Tz) -> Result<Self, AppError> {
        let mut problems = Vec::new();
        let p = &mut problems;
        let actor = take(p, "actor", parse_actor(input.actor));
        let action = take(p, "action", text(input.action, "action", 100));
        let entity = take(p, "entity", text(input.entity, "record type", 60));
        let entity_id = take(p, "entity_id", text(input.entity_id, "record id", 200));
        let from = take(p, "from", moment(input.from, tz, false));
        let until = take(p, "to", moment(input.to, tz, true));
        let cursor = take(
            p,
            "cursor",
            match input.cursor.trim() {
                "" => Ok(None),
                c => Cursor::decode(c).map(Some),
            },
        );
        let limit = take(p, "limit", limit(input.limit)).unwrap_or(DEFAULT_LIMIT);
        if entity_id.is_some() && entity.is_none() && input.entity.trim().is_empty() {
            problems.push(FieldError::new(
                "entity",
                "Choose the record type too: ids are counted per type.",
            ));
        }
        if let (Some(f), Some(u)) = (from, until) {
            if f >= u {
                problems.push(FieldError::new("to", "The end must come after the start."));
            }
        }
        if !problems.is_empty() {
            return Err(AppError::fields(problems));
        }
        Ok(Self {
            actor,
            action,
            entity,
            entity_id,
            from,
            until,
            cursor,
            limit,
        })
    }
}

/// The value of a field read by `result`, or `None` with its problem noted.
fn take<T>(
    problems: &mut Vec<FieldError>,
    field: &str,
    result: Result<Option<T>, String>,
) -> Option<T> {
    result.unwrap_or_else(|message| {
        problems.push(FieldError::new(field, message));
        None
    })
}

/// `staff:12`, `customer:5`, `api_token:3`, a kind alone (`system`, `anonymous`, `staff`), or a
/// bare number for a staff member.
fn parse_actor(value: &str) -> Result<Option<ActorFilter>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let bad = || {
        format!(
            "'{value}' names no one: use a staff id, or a kind ({}) with an optional :id.",
            ACTOR_KINDS.join(", ")
        )
    };
    let (kind, id) = match value.split_once(':') {
        Some((kind, id)) => (kind, Some(id)),
        None if value.chars().all(|c| c.is_ascii_digit()) => ("staff", Some(value)),
        None => (value, None),
    };
    let kind = ACTOR_KINDS
        .iter()
        .find(|k| **k == kind.trim())
        .ok_or_else(bad)?;
    let id = match id {
        None => None,
        Some(id) => Some(id.trim().parse::<i64>().map_err(|_| bad())?),
    };
    Ok(Some(ActorFilter { kind, id }))
}

fn text(value: &str, what: &str, max: usize) -> Result<Option<String>, String> {
    match value.trim() {
        "" => Ok(None),
        v if v.chars().count() > max => Err(format!("A {what} is at most {max} characters.")),
        v => Ok(Some(v.to_string())),
    }
}

/// A day (`2026-11-20`, in `tz`) or an RFC 3339 moment; as the end of a range, the moment just
/// after it (after the whole day for a day).
fn moment(value: &str, tz: Tz, end: bool) -> Result<Option<i64>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if let Some(day) = crate::common::moment::parse_day(value) {
        let day = if end {
            day.succ_opt()
                .ok_or_else(|| format!("'{value}' is past the end of the calendar."))?
        } else {
            day
        };
        return Ok(Some(crate::org::clock::start_of(tz, day)));
    }
    match chrono::DateTime::parse_from_rfc3339(value) {
        Ok(t) => Ok(Some(t.timestamp_millis() + i64::from(end))),
        Err(_) => Err(format!(
            "'{value}' is not a date: use 2026-11-20 or an RFC 3339 moment like 2026-11-20T09:30:00Z."
        )),
    }
}

fn limit(value: &str) -> Result<Option<i64>, String> {
    match value.trim() {
        "" => Ok(None),
        v => match v.parse::<i64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(Some(n)),
            _ => Err(format!("The limit is a number from 1 to {MAX_LIMIT}.")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: FilterInput<'_>) -> Result<AuditFilter, AppError> {
        AuditFilter::parse(&input, chrono_tz::UTC)
    }

    fn fields(err: AppError) -> Vec<String> {
        match err {
            AppError::Validation { fields, .. } => fields.into_iter().map(|f| f.field).collect(),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn blank_filters_mean_everything_newest_first_in_pages_of_fifty() {
        let f = parse(FilterInput::default()).unwrap();
        assert_eq!(f.actor, None);
        assert_eq!(f.cursor, None);
        assert_eq!(f.limit, DEFAULT_LIMIT);
    }

    #[test]
    fn a_cursor_reads_back_as_it_was_written() {
        let c = Cursor {
            at: 1_795_000_000_123,
            id: 42,
        };
        assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
        for bad in ["", "not base64!", "MTIz", "YTpi"] {
            assert!(Cursor::decode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn people_are_named_by_kind_and_id_or_by_staff_id() {
        let actor = |v: &str| parse_actor(v).unwrap().unwrap();
        assert_eq!(
            actor("12"),
            ActorFilter {
                kind: "staff",
                id: Some(12)
            }
        );
        assert_eq!(
            actor("customer:5"),
            ActorFilter {
                kind: "customer",
                id: Some(5)
            }
        );
        assert_eq!(
            actor("system"),
            ActorFilter {
                kind: "system",
                id: None
            }
        );
        for bad in ["robot", "staff:x", "customer:", ":4"] {
            assert!(parse_actor(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_day_range_takes_in_the_whole_last_day() {
        let f = parse(FilterInput {
            from: "2026-11-20",
            to: "2026-11-20",
            ..Default::default()
        })
        .unwrap();
        assert_eq!(f.until.unwrap() - f.from.unwrap(), 86_400_000);
    }

    #[test]
    fn bad_dates_cursors_and_limits_are_each_named() {
        let err = parse(FilterInput {
            from: "yesterday",
            cursor: "garbage",
            limit: "0",
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(err.status(), 422);
        assert_eq!(fields(err), ["from", "cursor", "limit"]);
        let err = parse(FilterInput {
            limit: "501",
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(fields(err), ["limit"]);
    }

    #[test]
    fn a_range_that_ends_before_it_starts_is_refused() {
        let err = parse(FilterInput {
            from: "2026-11-21",
            to: "2026-11-20",
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(fields(err), ["to"]);
    }

    #[test]
    fn a_record_id_needs_its_type() {
        let err = parse(FilterInput {
            entity_id: "4",
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(fields(err), ["entity"]);
        assert!(parse(FilterInput {
            entity: "incident",
            entity_id: "4",
            ..Default::default()
        })
        .is_ok());
    }
}
