//! Telling subscribed systems of feedback and follow-ups: each records its webhook event in the
//! transaction of the change, so an answer or closing rolled back is never announced.
use super::answer::NewFeedback;
use super::queries::Recorded;
use crate::db::Tx;
use crate::error::AppError;
use crate::webhooks::events::record;
use crate::webhooks::payloads::{
    rfc3339, FeedbackReceivedData, FollowUpClosedData, FollowUpOpenedData, ReasonData,
};
use crate::webhooks::EventType;

/// `feedback.received`, then `follow_up.opened` when the answer opened one.
pub(super) async fn received(
    tx: &mut Tx,
    new: &NewFeedback,
    recorded: &Recorded,
) -> Result<(), AppError> {
    let data = FeedbackReceivedData {
        feedback_id: recorded.id,
        customer_id: new.customer_id,
        channel: new.channel.as_str().to_string(),
        score_type: new.score_type.as_str().to_string(),
        score: new.score,
        comment: new.comment.clone(),
        received_at: rfc3339(new.received_at),
        incident_id: new.incident_id,
        assessment: recorded.assessment.as_str().to_string(),
        reasons: recorded
            .reasons
            .iter()
            .map(|r| ReasonData {
                code: r.code.clone(),
                text: r.text.clone(),
            })
            .collect(),
        follow_up_id: recorded.follow_up,
    };
    record(tx, EventType::FeedbackReceived, &data).await?;
    let Some(follow_up_id) = recorded.follow_up else {
        return Ok(());
    };
    let (assignee_id, due_at): (Option<i64>, i64) =
        sqlx::query_as("SELECT assignee_id, due_at FROM follow_ups WHERE id = $1")
            .bind(follow_up_id)
            .fetch_one(&mut **tx)
            .await?;
    let data = FollowUpOpenedData {
        follow_up_id,
        feedback_id: recorded.id,
        customer_id: new.customer_id,
        assessment: recorded.assessment.as_str().to_string(),
        assignee_id,
        due_at: rfc3339(due_at),
    };
    record(tx, EventType::FollowUpOpened, &data).await
}

/// `follow_up.closed`, with its outcome and the customer's true sentiment as stored.
pub(super) async fn closed(tx: &mut Tx, follow_up_id: i64) -> Result<(), AppError> {
    type Row = (i64, Option<String>, Option<String>, Option<String>);
    let (customer_id, outcome, true_sentiment, customer_said): Row = sqlx::query_as(
        "SELECT customer_id, outcome, true_sentiment, customer_said FROM follow_ups WHERE id = $1",
    )
    .bind(follow_up_id)
    .fetch_one(&mut **tx)
    .await?;
    let data = FollowUpClosedData {
        follow_up_id,
        customer_id,
        outcome: outcome.unwrap_or_default(),
        true_sentiment,
        customer_said,
    };
    record(tx, EventType::FollowUpClosed, &data).await
}
