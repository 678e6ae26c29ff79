//! Moving an incident along: starting its recovery, resolving it (with the survey that may
//! follow), reopening it, assigning it, and noting what happened on its timeline.
use super::{record, status_of, touch, Change};
use crate::audit::Actor;
use crate::db::{now_ms, Db, Tx};
use crate::error::AppError;
use crate::incidents::Status;

/// open → recovering: someone is on it (acknowledges it).
pub async fn start_recovery(db: &Db, id: i64, actor: &Actor) -> Result<(), AppError> {
    Change::new("recovering", "Recovery started")
        .only_from(
            Status::Open,
            "Only an open incident can move to recovering.",
        )
        .update(
            sqlx::query("UPDATE incidents SET status = 'recovering', acknowledged_at = COALESCE(acknowledged_at, $1) WHERE id = $2")
                .bind(now_ms())
                .bind(id),
        )
        .apply(db, id, actor)
        .await
}

/// Resolving needs a root cause and either an applied recovery action or a reason none was needed.
pub async fn resolve(
    db: &Db,
    id: i64,
    root_cause: &str,
    no_action_reason: &str,
    public_url: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let root_cause = root_cause.trim();
    let no_action_reason = Some(no_action_reason.trim()).filter(|r| !r.is_empty());
    if root_cause.is_empty() {
        return Err(AppError::field(
            "root_cause",
            "Say what caused the failure before resolving.",
        ));
    }
    let mut tx = crate::db::begin_write(db).await?;
    if status_of(&mut tx, id).await? == Status::Resolved {
        return Err(AppError::Conflict(
            "This incident is resolved already.".into(),
        ));
    }
    let applied: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM recovery_actions WHERE incident_id = $1 AND status = 'applied'",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    if applied == 0 && no_action_reason.is_none() {
        return Err(AppError::field(
            "no_action_reason",
            "Record at least one recovery action, or say why no action was needed.",
        ));
    }
    let now = now_ms();
    sqlx::query(
        "UPDATE incidents SET status = 'resolved', resolved_at = $1, acknowledged_at = COALESCE(acknowledged_at, $1),
                root_cause = $2, no_action_reason = $3, updated_at = $1 WHERE id = $4",
    )
    .bind(now)
    .bind(root_cause)
    .bind(no_action_reason)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let message = match no_action_reason {
        Some(reason) => format!("Resolved. Root cause: {root_cause}. No action needed: {reason}"),
        None => format!("Resolved. Root cause: {root_cause}"),
    };
    record(&mut tx, id, actor, "resolved", &message, true).await?;
    super::announce::resolved(&mut tx, id, root_cause, no_action_reason).await?;
    survey_after_resolve(&mut tx, id, public_url, actor).await?;
    super::commit(tx, id).await?;
    Ok(())
}

/// Asks the customer how the recovery felt, once per incident, when the organisation wants it
/// and the customer has an email address.
async fn survey_after_resolve(
    tx: &mut Tx,
    id: i64,
    public_url: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let settings = crate::feedback::questions::queries::load(&mut **tx).await?;
    if !settings.survey_after_resolve {
        return Ok(());
    }
    let (customer_id, name, email): (i64, String, Option<String>) = sqlx::query_as(
        "SELECT c.id, c.name, c.email FROM incidents i JOIN customers c ON c.id = i.customer_id WHERE i.id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let asked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM survey_links WHERE incident_id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    let Some(email) = email.filter(|_| asked == 0) else {
        return Ok(());
    };
    let kind = crate::feedback::ScoreType::Csat;
    crate::feedback::surveys::insert(
        tx,
        customer_id,
        Some(id),
        kind,
        settings.survey_days,
        Some((&email, &name)),
        public_url,
        actor,
    )
    .await?;
    record(
        tx,
        id,
        actor,
        "survey",
        &format!("Satisfaction survey emailed to {email}"),
        true,
    )
    .await
}

/// resolved → recovering, keeping the history.
pub async fn reopen(db: &Db, id: i64, reason: &str, actor: &Actor) -> Result<(), AppError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field(
            "reason",
            "Say why the incident is reopened.",
        ));
    }
    let mut tx = crate::db::begin_write(db).await?;
    if status_of(&mut tx, id).await? != Status::Resolved {
        return Err(AppError::Conflict(
            "Only a resolved incident can be reopened.".into(),
        ));
    }
    sqlx::query("UPDATE incidents SET status = 'recovering', resolved_at = NULL WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    touch(&mut tx, id).await?;
    record(
        &mut tx,
        id,
        actor,
        "reopened",
        &format!("Reopened: {reason}"),
        true,
    )
    .await?;
    super::announce::reopened(&mut tx, id, reason).await?;
    super::commit(tx, id).await
}

pub async fn assign(db: &Db, id: i64, assignee_id: i64, actor: &Actor) -> Result<(), AppError> {
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM staff_users WHERE id = $1 AND active = 1")
            .bind(assignee_id)
            .fetch_optional(db)
            .await?;
    let name = name.ok_or_else(|| AppError::field("assignee_id", "Choose an active colleague."))?;
    let mut tx = crate::db::begin_write(db).await?;
    status_of(&mut tx, id).await?;
    sqlx::query("UPDATE incidents SET assignee_id = $1 WHERE id = $2")
        .bind(assignee_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    touch(&mut tx, id).await?;
    record(
        &mut tx,
        id,
        actor,
        "assigned",
        &format!("Assigned to {name}"),
        true,
    )
    .await?;
    notify_assignee(&mut tx, id, assignee_id, actor, "assigned to you").await?;
    super::commit(tx, id).await
}

/// Tells `assignee` that incident `id` is theirs now (`how`: "assigned to you"…), unless they
/// did it themselves.
pub(crate) async fn notify_assignee(
    tx: &mut Tx,
    id: i64,
    assignee: i64,
    actor: &Actor,
    how: &str,
) -> Result<(), AppError> {
    let (category, customer): (String, String) = sqlx::query_as(
        "SELECT k.name, c.name FROM incidents i JOIN incident_categories k ON k.id = i.category_id
         JOIN customers c ON c.id = i.customer_id WHERE i.id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let title = format!("Incident #{id} ({category}, {customer}) {how}");
    crate::notifications::notify(
        tx,
        actor,
        assignee,
        crate::notifications::Kind::IncidentAssigned,
        &title,
        &format!("/incidents/{id}"),
        None,
    )
    .await?;
    Ok(())
}

/// An internal note: on the timeline, never shown to the customer.
pub async fn add_note(db: &Db, id: i64, text: &str, actor: &Actor) -> Result<(), AppError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 4000 {
        return Err(AppError::field(
            "text",
            "Write a note of up to 4,000 characters.",
        ));
    }
    Change::new("note", text).apply(db, id, actor).await
}

/// The customer complained about this incident. If it was detected first it stays proactive.
pub async fn record_complaint(db: &Db, id: i64, text: &str, actor: &Actor) -> Result<(), AppError> {
    let text = text.trim();
    let message = if text.is_empty() {
        "Customer complained".to_string()
    } else {
        format!("Customer complained: {text}")
    };
    Change::new("complaint", message)
        .update(
            sqlx::query(
                "UPDATE incidents SET complained_at = COALESCE(complained_at, $1) WHERE id = $2",
            )
            .bind(now_ms())
            .bind(id),
        )
        .apply(db, id, actor)
        .await
}
