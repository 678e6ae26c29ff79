//! `POST /api/v1/feedback`: a batch from a survey tool, checked whole (customers and incidents
//! included) before anything is written, then stored in one transaction. Re-sent items (same
//! idempotency key) change nothing and report what was stored the first time.
use super::fields::FeedbackIn;
use super::queries::{decode_reasons, record, NewFeedback};
use super::{Assessment, Reason};
use crate::audit::Actor;
use crate::common::batch::ItemError;
use crate::db::Db;
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The follow-up an answer opened.
#[derive(utoipa::ToSchema, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpRef {
    pub id: i64,
    /// RFC 3339.
    pub due_at: String,
    pub assignee: Option<String>,
}

/// One answer as the API reports it.
#[derive(utoipa::ToSchema, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackResult {
    pub id: i64,
    pub idempotency_key: Option<String>,
    /// "stored", "duplicate" (a re-sent key), or "existing" when read back.
    pub status: String,
    pub customer: String,
    pub score_type: String,
    pub score: i64,
    pub comment: String,
    pub channel: String,
    /// RFC 3339.
    pub received_at: String,
    pub incident: Option<i64>,
    /// "unhappy", "lukewarm" or "fine".
    pub assessment: Assessment,
    pub reasons: Vec<Reason>,
    pub follow_up: Option<FollowUpRef>,
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// One answer with its customer and follow-up, as read back.
#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    idempotency_key: Option<String>,
    customer: String,
    score_type: String,
    score: i64,
    comment: String,
    channel: String,
    received_at: i64,
    incident_id: Option<i64>,
    assessment: String,
    reasons: String,
    follow_up_id: Option<i64>,
    due_at: Option<i64>,
    assignee: Option<String>,
}

const SELECT: &str = "SELECT f.id, f.idempotency_key, COALESCE(c.external_ref, c.email, CAST(c.id AS TEXT)) AS customer,
        f.score_type, f.score, f.comment, f.channel, f.received_at, f.incident_id, f.assessment, f.reasons,
        u.id AS follow_up_id, u.due_at, s.name AS assignee
    FROM feedback f JOIN customers c ON c.id = f.customer_id LEFT JOIN follow_ups u ON u.feedback_id = f.id
    LEFT JOIN staff_users s ON s.id = u.assignee_id WHERE f.id = $1";

fn result(r: Row, status: &str) -> Result<FeedbackResult, AppError> {
    Ok(FeedbackResult {
        id: r.id,
        idempotency_key: r.idempotency_key,
        status: status.into(),
        customer: r.customer,
        score_type: r.score_type,
        score: r.score,
        comment: r.comment,
        channel: r.channel,
        received_at: rfc3339(r.received_at),
        incident: r.incident_id,
        assessment: Assessment::decode(&r.assessment, "feedback", r.id)?,
        reasons: decode_reasons(&r.reasons, r.id)?,
        follow_up: r.follow_up_id.map(|id| FollowUpRef {
            id,
            due_at: rfc3339(r.due_at.unwrap_or_default()),
            assignee: r.assignee,
        }),
    })
}

/// One answer by id, as the API shows it.
pub async fn find(db: &Db, id: i64) -> Result<FeedbackResult, AppError> {
    let row: Option<Row> = sqlx::query_as(SELECT).bind(id).fetch_optional(db).await?;
    result(
        row.ok_or_else(|| AppError::NotFound("That feedback".into()))?,
        "existing",
    )
}

/// Checks what only the database knows (customers, incidents), then stores the batch.
/// Refused whole when any item names an unknown customer or another customer's incident.
pub async fn ingest(
    db: &Db,
    items: Vec<FeedbackIn>,
    actor: &Actor,
) -> Result<Vec<FeedbackResult>, AppError> {
    let mut customers: HashMap<String, Option<i64>> = HashMap::new();
    let mut problems = Vec::new();
    for (index, item) in items.iter().enumerate() {
        if !customers.contains_key(&item.customer) {
            let found = crate::customers::queries::find_by_reference(db, &item.customer)
                .await?
                .map(|c| c.id);
            customers.insert(item.customer.clone(), found);
        }
        let Some(customer_id) = customers[&item.customer] else {
            problems.push(ItemError {
                index,
                field: "customer".into(),
                message: "no customer has this external reference or email".into(),
            });
            continue;
        };
        if let Some(incident) = item.incident_id {
            let owner: Option<i64> =
                sqlx::query_scalar("SELECT customer_id FROM incidents WHERE id = $1")
                    .bind(incident)
                    .fetch_optional(db)
                    .await?;
            if owner != Some(customer_id) {
                problems.push(ItemError {
                    index,
                    field: "incident".into(),
                    message: "is not an incident of this customer".into(),
                });
            }
        }
    }
    if !problems.is_empty() {
        return Err(AppError::refused("answers", items.len(), problems));
    }
    let mut tx = crate::db::begin_write(db).await?;
    let mut ids = Vec::with_capacity(items.len());
    let mut seen: HashMap<String, i64> = HashMap::new();
    let mut answered = Vec::new();
    for item in &items {
        let key = item.idempotency_key.clone().unwrap_or_default();
        let existing: Option<i64> = match seen.get(&key) {
            Some(id) => Some(*id),
            None => {
                sqlx::query_scalar("SELECT id FROM feedback WHERE idempotency_key = $1")
                    .bind(&key)
                    .fetch_optional(&mut *tx)
                    .await?
            }
        };
        if let Some(id) = existing {
            ids.push((id, "duplicate"));
            continue;
        }
        let new = NewFeedback {
            customer_id: customers[&item.customer].unwrap_or_default(),
            channel: item.channel,
            score_type: item.score_type,
            score: item.score,
            comment: item.comment.clone(),
            received_at: item.received_at,
            incident_id: item.incident_id,
            order_ref: item.order_ref.clone(),
            survey_link_id: None,
            idempotency_key: item.idempotency_key.clone(),
        };
        let recorded = record(&mut tx, &new, actor).await?;
        seen.insert(key, recorded.id);
        ids.push((recorded.id, "stored"));
        answered.push(new.customer_id);
    }
    crate::standing::recompute::refresh(&mut tx, &answered, crate::db::now_ms()).await?;
    let mut out = Vec::with_capacity(ids.len());
    for (id, status) in ids {
        let row: Row = sqlx::query_as(SELECT).bind(id).fetch_one(&mut *tx).await?;
        out.push(result(row, status)?);
    }
    tx.commit().await?;
    Ok(out)
}
