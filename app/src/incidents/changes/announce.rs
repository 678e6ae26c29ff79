//! Telling subscribed systems of incident changes: each records its webhook event in the
//! transaction of the change, so a change rolled back is never announced.
use super::create::Insert;
use crate::db::Tx;
use crate::error::AppError;
use crate::webhooks::events::record;
use crate::webhooks::payloads::{
    rfc3339, IncidentOpenedData, IncidentReopenedData, IncidentResolvedData, RecoveryData,
};
use crate::webhooks::EventType;

async fn customer_of(tx: &mut Tx, id: i64) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar("SELECT customer_id FROM incidents WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// `incident.opened`.
pub(super) async fn opened(tx: &mut Tx, id: i64, new: &Insert) -> Result<(), AppError> {
    let data = IncidentOpenedData {
        incident_id: id,
        customer_id: new.customer_id,
        category_id: new.category_id,
        severity: new.severity.as_str().to_string(),
        source: new.source.as_str().to_string(),
        proactive: new.source != crate::incidents::Source::Complaint,
        subject_ref: new.subject_ref.clone(),
        description: new.description.clone(),
        occurred_at: rfc3339(new.occurred_at),
    };
    record(tx, EventType::IncidentOpened, &data).await
}

/// `incident.resolved`.
pub(super) async fn resolved(
    tx: &mut Tx,
    id: i64,
    root_cause: &str,
    no_action_reason: Option<&str>,
) -> Result<(), AppError> {
    let data = IncidentResolvedData {
        incident_id: id,
        customer_id: customer_of(tx, id).await?,
        root_cause: root_cause.to_string(),
        no_action_reason: no_action_reason.map(str::to_string),
    };
    record(tx, EventType::IncidentResolved, &data).await
}

/// `incident.reopened`.
pub(super) async fn reopened(tx: &mut Tx, id: i64, reason: &str) -> Result<(), AppError> {
    let data = IncidentReopenedData {
        incident_id: id,
        customer_id: customer_of(tx, id).await?,
        reason: reason.to_string(),
    };
    record(tx, EventType::IncidentReopened, &data).await
}

/// `recovery.applied`, `recovery.pending_approval` or `recovery.declined`, by where recovery
/// action `action_id` stands now.
pub(super) async fn recovery(tx: &mut Tx, action_id: i64) -> Result<(), AppError> {
    type Row = (i64, i64, String, i64, String, String, Option<String>);
    let (incident_id, customer_id, kind, amount_minor, currency, status, decision_note): Row =
        sqlx::query_as(
            "SELECT a.incident_id, i.customer_id, a.kind, a.amount_minor, a.currency, a.status, a.decision_note
             FROM recovery_actions a JOIN incidents i ON i.id = a.incident_id WHERE a.id = $1",
        )
        .bind(action_id)
        .fetch_one(&mut **tx)
        .await?;
    let event = match status.as_str() {
        "applied" => EventType::RecoveryApplied,
        "pending" => EventType::RecoveryPendingApproval,
        "declined" => EventType::RecoveryDeclined,
        _ => return Ok(()),
    };
    let data = RecoveryData {
        action_id,
        incident_id,
        customer_id,
        kind,
        amount_minor,
        currency,
        status,
        decision_note,
    };
    record(tx, event, &data).await
}
