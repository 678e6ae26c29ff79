//! The story form's values as typed (also what the draft autosave keeps) and their checks.
use super::StoryKind;
use crate::common::money::Money;
use crate::error::{AppError, FieldError};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

/// Every field of the story form as text, exactly as typed: what the form posts (its inputs
/// are named after these fields), what the draft autosave keeps, and what editing starts from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StoryDraft {
    pub associate: String,
    pub colleagues: String,
    pub customer: String,
    pub occurred_on: String,
    pub title: String,
    pub situation: String,
    pub action_taken: String,
    pub result: String,
    pub lesson: String,
    pub kind: String,
    pub incident: String,
    pub cost: String,
    pub currency: String,
    pub tags: String,
    pub internal_notes: String,
    #[serde(deserialize_with = "checkbox")]
    pub shareable: bool,
}

/// A checkbox as a browser posts it (its value, here "on", or nothing when unticked) or as a
/// kept draft holds it (true or false).
fn checkbox<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Ticked {
        Flag(bool),
        Value(String),
    }
    Ok(match Ticked::deserialize(d)? {
        Ticked::Flag(on) => on,
        Ticked::Value(v) => !v.is_empty() && v != "false",
    })
}

/// The field names of the form, in order; the autosave reads these from the page.
pub const FIELDS: [&str; 16] = [
    "associate",
    "colleagues",
    "customer",
    "occurred_on",
    "title",
    "situation",
    "action_taken",
    "result",
    "lesson",
    "kind",
    "incident",
    "cost",
    "currency",
    "tags",
    "internal_notes",
    "shareable",
];

impl StoryDraft {
    /// Builds a draft from (name, value) pairs read off the form.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> Self {
        let mut d = Self::default();
        for (name, value) in pairs {
            let slot = match name {
                "associate" => &mut d.associate,
                "colleagues" => &mut d.colleagues,
                "customer" => &mut d.customer,
                "occurred_on" => &mut d.occurred_on,
                "title" => &mut d.title,
                "situation" => &mut d.situation,
                "action_taken" => &mut d.action_taken,
                "result" => &mut d.result,
                "lesson" => &mut d.lesson,
                "kind" => &mut d.kind,
                "incident" => &mut d.incident,
                "cost" => &mut d.cost,
                "currency" => &mut d.currency,
                "tags" => &mut d.tags,
                "internal_notes" => &mut d.internal_notes,
                "shareable" => {
                    d.shareable = !value.is_empty();
                    continue;
                }
                _ => continue,
            };
            *slot = value;
        }
        d
    }

    /// Whether anything worth keeping was typed.
    pub fn is_blank(&self) -> bool {
        [
            &self.title,
            &self.situation,
            &self.action_taken,
            &self.result,
            &self.lesson,
            &self.internal_notes,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }
}

/// A story's checked fields; names of people and customers are resolved by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoryIn {
    pub associate: Option<i64>,
    pub colleagues: Vec<String>,
    pub customer: String,
    pub occurred_on: NaiveDate,
    pub title: String,
    pub situation: String,
    pub action_taken: String,
    pub result: String,
    pub lesson: String,
    pub kind: StoryKind,
    pub incident_id: Option<i64>,
    pub cost: Money,
    pub tags: Vec<String>,
    pub internal_notes: String,
    pub shareable: bool,
}

pub const MAX_TEXT: usize = 4000;
pub const MAX_TAGS: usize = 8;

fn text(
    errors: &mut Vec<FieldError>,
    name: &str,
    value: &str,
    required: Option<&str>,
    max: usize,
) -> String {
    let v = value.trim().to_string();
    if v.is_empty() {
        if let Some(message) = required {
            errors.push(FieldError::new(name, message));
        }
    } else if v.chars().count() > max {
        errors.push(FieldError::new(
            name,
            format!("Keep this to {max} characters or fewer."),
        ));
    }
    v
}

/// Tags as lower-case words or short phrases, without duplicates.
pub fn parse_tags(input: &str) -> Result<Vec<String>, String> {
    let mut tags: Vec<String> = Vec::new();
    for raw in input.split(',') {
        let tag = raw
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let tag = tag.trim_start_matches('#').to_string();
        if tag.is_empty() || tags.contains(&tag) {
            continue;
        }
        if tag.chars().count() > 30 {
            return Err(format!("The tag '{tag}' is longer than 30 characters."));
        }
        tags.push(tag);
    }
    if tags.len() > MAX_TAGS {
        return Err(format!("Use at most {MAX_TAGS} tags."));
    }
    Ok(tags)
}

/// Comma-separated names, trimmed, without empties.
pub fn split_names(input: &str) -> Vec<String> {
    input
        .split(',')
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

impl StoryDraft {
    /// Checks every field; `today` is the organisation's current day.
    pub fn check(&self, today: NaiveDate) -> Result<StoryIn, AppError> {
        let mut errors = Vec::new();
        let e = &mut errors;
        let title = text(
            e,
            "title",
            &self.title,
            Some("Give the story a short title."),
            120,
        );
        let situation = text(
            e,
            "situation",
            &self.situation,
            Some("Say what the situation was."),
            MAX_TEXT,
        );
        let action_taken = text(
            e,
            "action_taken",
            &self.action_taken,
            Some("Say what was done."),
            MAX_TEXT,
        );
        let result = text(
            e,
            "result",
            &self.result,
            Some("Say how it turned out for the customer."),
            MAX_TEXT,
        );
        let lesson = text(e, "lesson", &self.lesson, None, MAX_TEXT);
        let internal_notes = text(e, "internal_notes", &self.internal_notes, None, MAX_TEXT);
        let kind = StoryKind::parse(&self.kind);
        if kind.is_none() {
            errors.push(FieldError::new("kind", "Choose what kind of story it is."));
        }
        let occurred_on = match self.occurred_on.trim() {
            "" => Some(today),
            v => match crate::common::moment::parse_day(v) {
                None => {
                    errors.push(FieldError::new(
                        "occurred_on",
                        "Enter a date like 2026-11-20.",
                    ));
                    None
                }
                Some(d) if d > today => {
                    errors.push(FieldError::new(
                        "occurred_on",
                        "That day has not happened yet.",
                    ));
                    None
                }
                Some(d) if (today - d).num_days() > 366 => {
                    errors.push(FieldError::new(
                        "occurred_on",
                        "Stories are for the last year; that date is older.",
                    ));
                    None
                }
                Some(d) => Some(d),
            },
        };
        let incident_id = match self.incident.trim().trim_start_matches('#') {
            "" => None,
            v => match v.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    errors.push(FieldError::new("incident", "Enter the incident's number."));
                    None
                }
            },
        };
        let cost = Money::parse(&self.cost, &self.currency)
            .map_err(|m| errors.push(FieldError::new("cost", m)))
            .ok();
        let tags = parse_tags(&self.tags)
            .map_err(|m| errors.push(FieldError::new("tags", m)))
            .unwrap_or_default();
        let associate = match self.associate.trim() {
            "" => None,
            v => match v.parse::<i64>() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.push(FieldError::new(
                        "associate",
                        "Choose who went the extra mile.",
                    ));
                    None
                }
            },
        };
        let (Some(kind), Some(occurred_on), Some(cost), true) =
            (kind, occurred_on, cost, errors.is_empty())
        else {
            return Err(AppError::fields(errors));
        };
        Ok(StoryIn {
            associate,
            colleagues: split_names(&self.colleagues),
            customer: self.customer.trim().to_string(),
            occurred_on,
            title,
            situation,
            action_taken,
            result,
            lesson,
            kind,
            incident_id,
            cost,
            tags,
            internal_notes,
            shareable: self.shareable,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> StoryDraft {
        StoryDraft {
            title: "Ring removed".into(),
            situation: "A visitor's ring was stuck.".into(),
            action_taken: "Soap and patience.".into(),
            result: "Ring off, finger fine.".into(),
            kind: "good_samaritan".into(),
            ..Default::default()
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn a_minimal_story_defaults_to_today_and_no_cost() {
        let s = filled().check(today()).unwrap();
        assert_eq!(s.occurred_on, today());
        assert_eq!(s.cost.minor, 0);
        assert!(s.tags.is_empty());
    }

    #[test]
    fn every_missing_field_is_named() {
        let err = StoryDraft::default().check(today()).unwrap_err();
        for f in ["title", "situation", "action_taken", "result", "kind"] {
            assert!(err.field_message(f).is_some(), "{f}");
        }
    }

    #[test]
    fn future_and_ancient_days_are_refused() {
        let mut d = filled();
        d.occurred_on = "2026-11-23".into();
        assert!(d
            .check(today())
            .unwrap_err()
            .field_message("occurred_on")
            .is_some());
        d.occurred_on = "2025-01-01".into();
        assert!(d
            .check(today())
            .unwrap_err()
            .field_message("occurred_on")
            .is_some());
        d.occurred_on = "22/11/2026".into();
        assert!(d
            .check(today())
            .unwrap_err()
            .field_message("occurred_on")
            .is_some());
    }

    #[test]
    fn tags_are_normalised_and_limited() {
        assert_eq!(
            parse_tags(" Reship, #reship,  Old   Address ,").unwrap(),
            ["reship", "old address"]
        );
        assert!(parse_tags("a,b,c,d,e,f,g,h,i").is_err());
    }

    #[test]
    fn a_ticked_checkbox_reads_as_posted_or_as_kept() {
        let read = |json: &str| serde_json::from_str::<StoryDraft>(json).unwrap().shareable;
        assert!(read(r#"{"shareable":"on"}"#));
        assert!(read(r#"{"shareable":true}"#));
        assert!(!read(r#"{"shareable":"false"}"#));
        assert!(!read(r#"{"shareable":""}"#));
        assert!(!read(r#"{"shareable":false}"#));
        assert!(!read(r#"{"title":"T"}"#));
    }

    #[test]
    fn a_draft_reads_the_form_pairs() {
        let d = StoryDraft::from_pairs([
            ("title", "T".to_string()),
            ("shareable", "on".into()),
            ("x", "y".into()),
        ]);
        assert_eq!(d.title, "T");
        assert!(d.shareable);
        assert!(!d.is_blank());
        assert!(StoryDraft::default().is_blank());
    }
}
