//! An answer as a survey tool sends it to `POST /api/v1/feedback`: the request type the API
//! documents and reads, and the check that turns it into an answer or names every problem.
use super::fields::{score_message, FeedbackIn, MAX_COMMENT};
use super::{Channel, ScoreType};
use crate::common::batch::{moment, read_checked, required, text};
use serde::Deserialize;
use serde_json::Value;

/// One answer from a survey tool.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct FeedbackItem {
    /// Unique per answer at the sender; re-sending the same key changes nothing.
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 200,
        pattern = r"\S",
        example = "svy-5521"
    )]
    pub idempotency_key: Option<String>,
    /// The customer's external reference or email (the customer must exist).
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 254,
        pattern = r"\S",
        example = "c-1001"
    )]
    pub customer: Option<String>,
    /// "nps" (0–10), "csat" (1–5) or "ces" (1–7, 7 = very easy).
    #[schema(required = true, nullable = false, example = "nps")]
    pub score_type: Option<ScoreType>,
    #[schema(
        required = true,
        nullable = false,
        minimum = 0,
        maximum = 10,
        example = 7
    )]
    pub score: Option<i64>,
    #[schema(max_length = 4000, example = "Good.")]
    pub comment: Option<String>,
    /// Defaults to survey.
    pub channel: Option<Channel>,
    /// When the customer answered; defaults to now. At most a day ahead of the server's clock.
    #[schema(format = DateTime, example = "2026-11-20T09:00:00Z")]
    pub received_at: Option<String>,
    /// An incident of this customer's that the answer is about.
    #[schema(minimum = 1)]
    pub incident: Option<i64>,
    /// An order reference.
    #[schema(max_length = 120)]
    pub order: Option<String>,
}

impl FeedbackItem {
    fn check(self, now: i64, errors: &mut Vec<(String, String)>) -> Option<FeedbackIn> {
        let idempotency_key = text(self.idempotency_key, "idempotency_key", 200, true, errors);
        let customer = text(self.customer, "customer", 254, true, errors);
        let score_type = required(self.score_type, "score_type", errors);
        let score = match (score_type, self.score) {
            (Some(k), Some(s)) if (k.range().0..=k.range().1).contains(&s) => Some(s),
            (Some(k), Some(_)) => {
                errors.push(("score".into(), score_message(k)));
                None
            }
            (Some(k), None) => {
                errors.push((
                    "score".into(),
                    format!("is required and {}", score_message(k)),
                ));
                None
            }
            (None, _) => None,
        };
        let comment = self.comment.unwrap_or_default();
        if comment.chars().count() > MAX_COMMENT {
            errors.push((
                "comment".into(),
                format!("must be at most {MAX_COMMENT} characters"),
            ));
        }
        let received_at = match self.received_at {
            None => Some(now),
            Some(t) => moment(&t, "received_at", now, errors),
        };
        let incident_id = match self.incident {
            Some(i) if i <= 0 => {
                errors.push((
                    "incident".into(),
                    "must be null or an incident id (a positive integer)".into(),
                ));
                None
            }
            i => i,
        };
        let order_ref = text(self.order, "order", 120, false, errors);
        Some(FeedbackIn {
            idempotency_key: Some(idempotency_key?),
            customer: customer?,
            channel: self.channel.unwrap_or(Channel::Survey),
            score_type: score_type?,
            score: score?,
            comment: comment.trim().to_string(),
            received_at: received_at?,
            incident_id,
            order_ref,
        })
    }
}

/// One item of `POST /api/v1/feedback`; every problem as (field, message).
pub fn parse(item: &Value, now: i64) -> Result<FeedbackIn, Vec<(String, String)>> {
    read_checked(item, |read: FeedbackItem, errors| read.check(now, errors))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn api_items_are_checked_field_by_field() {
        let ok = json!({"idempotency_key": "svy-1", "customer": "c-1001", "score_type": "nps", "score": 7,
                        "comment": "Good.", "channel": "survey", "received_at": "2026-11-20T09:00:00Z", "incident": null});
        let f = parse(&ok, 1_800_000_000_000).unwrap();
        assert_eq!(
            (f.score_type, f.score, f.comment.as_str(), f.incident_id),
            (ScoreType::Nps, 7, "Good.", None)
        );

        let bad = json!({"customer": "", "score_type": "csat", "score": 9, "channel": "pigeon", "received_at": "yesterday", "incident": "x"});
        let errors = parse(&bad, 0).unwrap_err();
        let mut fields: Vec<&str> = errors.iter().map(|e| e.0.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            vec![
                "channel",
                "customer",
                "idempotency_key",
                "incident",
                "received_at",
                "score"
            ]
        );
        let score = errors.iter().find(|e| e.0 == "score").unwrap();
        assert!(score.1.contains("from 1 to 5"), "{score:?}");
    }
}
