//! Parsing answers as staff type them and as survey tools send them.
use super::{Channel, ContactChannel, Outcome, ScoreType, TrueSentiment};
use crate::common::moment::parse_moment;
use crate::error::{AppError, FieldError};

pub const MAX_COMMENT: usize = 4000;

/// An answer before its customer reference is looked up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedbackIn {
    pub idempotency_key: Option<String>,
    /// Customer id, external reference or email.
    pub customer: String,
    pub channel: Channel,
    pub score_type: ScoreType,
    pub score: i64,
    pub comment: String,
    pub received_at: i64,
    pub incident_id: Option<i64>,
    pub order_ref: Option<String>,
}

/// A moment typed in a form: empty for now, never more than an hour ahead (clocks drift).
fn past_moment(
    input: &str,
    field: &str,
    future: &str,
    now: i64,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    match input.trim() {
        "" => Some(now),
        v => match parse_moment(v) {
            Ok(t) if t > now + 3_600_000 => {
                errors.push(FieldError::new(field, future));
                None
            }
            Ok(t) => Some(t),
            Err(m) => {
                errors.push(FieldError::new(field, &m));
                None
            }
        },
    }
}

#[cfg(feature = "ssr")]
pub(crate) fn score_message(kind: ScoreType) -> String {
    let (min, max) = kind.range();
    format!(
        "must be a whole number from {min} to {max} for {}",
        kind.as_str()
    )
}

impl FeedbackIn {
    /// The staff form: every field a string, as the browser sends it.
    #[allow(clippy::too_many_arguments)]
    pub fn from_form(
        customer: &str,
        channel: &str,
        score_type: &str,
        score: &str,
        comment: &str,
        received_at: &str,
        incident: &str,
        order_ref: &str,
        now: i64,
    ) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let customer = customer.trim().to_string();
        if customer.is_empty() {
            errors.push(FieldError::new("customer", "Choose the customer."));
        }
        let channel = Channel::parse(channel);
        if channel.is_none() {
            errors.push(FieldError::new(
                "channel",
                "Choose how the answer reached you.",
            ));
        }
        let kind = ScoreType::parse(score_type);
        let score = match (kind, score.trim().parse::<i64>()) {
            (Some(k), Ok(s)) if (k.range().0..=k.range().1).contains(&s) => Some(s),
            (Some(k), _) => {
                let (min, max) = k.range();
                errors.push(FieldError::new(
                    "score",
                    format!("Enter a score from {min} to {max}."),
                ));
                None
            }
            (None, _) => {
                errors.push(FieldError::new(
                    "score_type",
                    "Choose the question that was asked.",
                ));
                None
            }
        };
        let comment = comment.trim().to_string();
        if comment.chars().count() > MAX_COMMENT {
            errors.push(FieldError::new(
                "comment",
                "Keep the customer's words under 4,000 characters.",
            ));
        }
        let received_at = past_moment(
            received_at,
            "received_at",
            "That is in the future.",
            now,
            &mut errors,
        );
        let incident_id = match incident.trim().trim_start_matches('#') {
            "" => None,
            v => match v.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    errors.push(FieldError::new(
                        "incident",
                        "Enter the incident's number, e.g. 42.",
                    ));
                    None
                }
            },
        };
        let order_ref = Some(order_ref.trim().to_string()).filter(|o| !o.is_empty());
        if order_ref.as_ref().is_some_and(|o| o.chars().count() > 120) {
            errors.push(FieldError::new(
                "order_ref",
                "Keep the order reference under 120 characters.",
            ));
        }
        match (channel, kind, score, received_at, errors.is_empty()) {
            (Some(channel), Some(score_type), Some(score), Some(received_at), true) => Ok(Self {
                idempotency_key: None,
                customer,
                channel,
                score_type,
                score,
                comment,
                received_at,
                incident_id,
                order_ref,
            }),
            _ => Err(AppError::fields(errors)),
        }
    }
}

/// A contact attempt as the follow-up form sends it.
pub fn parse_attempt(
    channel: &str,
    at: &str,
    reached: &str,
    note: &str,
    now: i64,
) -> Result<(ContactChannel, i64, bool, String), AppError> {
    let mut errors = Vec::new();
    let channel = ContactChannel::parse(channel);
    if channel.is_none() {
        errors.push(FieldError::new(
            "channel",
            "Choose how you tried to reach the customer.",
        ));
    }
    let at = past_moment(
        at,
        "at",
        "An attempt cannot be in the future.",
        now,
        &mut errors,
    );
    let reached = match reached {
        "yes" | "1" | "true" => Some(true),
        "no" | "0" | "false" => Some(false),
        _ => {
            errors.push(FieldError::new(
                "reached",
                "Say whether you reached the customer.",
            ));
            None
        }
    };
    let note = note.trim().to_string();
    if note.chars().count() > 2000 {
        errors.push(FieldError::new(
            "note",
            "Keep the note under 2,000 characters.",
        ));
    }
    match (channel, at, reached, errors.is_empty()) {
        (Some(c), Some(at), Some(r), true) => Ok((c, at, r, note)),
        _ => Err(AppError::fields(errors)),
    }
}

/// How a follow-up is closed, as the form sends it.
pub fn parse_closing(
    outcome: &str,
    customer_said: &str,
    true_sentiment: &str,
) -> Result<(Outcome, String, Option<TrueSentiment>), AppError> {
    let outcome = Outcome::parse(outcome)
        .ok_or_else(|| AppError::field("outcome", "Choose how the follow-up ended."))?;
    let said = customer_said.trim().to_string();
    if said.chars().count() > 4000 {
        return Err(AppError::field(
            "customer_said",
            "Keep it under 4,000 characters.",
        ));
    }
    Ok((outcome, said, TrueSentiment::parse(true_sentiment)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_staff_form_explains_each_problem() {
        let err = FeedbackIn::from_form("", "phone", "ces", "9", "", "", "abc", "", 0).unwrap_err();
        let fields: Vec<String> = match err {
            AppError::Validation { fields, .. } => fields.into_iter().map(|f| f.field).collect(),
            e => panic!("{e:?}"),
        };
        assert_eq!(fields, vec!["customer", "score", "incident"]);
    }
}
