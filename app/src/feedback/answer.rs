//! An answer as it is stored: the record a new one is written from, and its reasons column
//! read back strictly.
use super::{Channel, Reason, ScoreType};
use crate::error::AppError;

/// One answer to store.
#[derive(Clone, Debug)]
pub struct NewFeedback {
    pub customer_id: i64,
    pub channel: Channel,
    pub score_type: ScoreType,
    pub score: i64,
    pub comment: String,
    pub received_at: i64,
    pub incident_id: Option<i64>,
    pub order_ref: Option<String>,
    pub survey_link_id: Option<i64>,
    pub idempotency_key: Option<String>,
}

/// The reasons stored with feedback `id`; text that is not a list of reasons is an error.
pub fn decode_reasons(raw: &str, id: i64) -> Result<Vec<Reason>, AppError> {
    serde_json::from_str(raw).map_err(|e| {
        AppError::internal("reading stored reasons", format!("feedback row {id}: {e}"))
    })
}
