//! Changing incidents. Each change runs in one transaction with its timeline event and its
//! audit row, so the timeline and the audit log never disagree with the record. Logging an
//! incident is in `create`, moving it along in `status`, its recovery actions and their
//! approval in `actions`, and notices to the customer in `notices`.
mod actions;
mod announce;
mod create;
mod notices;
mod status;

pub use actions::{add_action, decide, insert_action};
pub use create::{create, insert, Insert};
pub use notices::{insert_notice, send_notice};
pub use status::{add_note, assign, record_complaint, reopen, resolve, start_recovery};

use super::Status;
use crate::audit::{Actor, Entry};
use crate::db::{now_ms, Db, Sql, Tx};
use crate::error::AppError;

/// Writes a timeline event and the matching audit row.
pub async fn record(
    tx: &mut Tx,
    incident_id: i64,
    actor: &Actor,
    kind: &str,
    message: &str,
    internal: bool,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO incident_events (incident_id, at, actor_label, kind, message, internal) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(incident_id)
    .bind(now_ms())
    .bind(&actor.label)
    .bind(kind)
    .bind(message)
    .bind(internal as i64)
    .execute(&mut **tx)
    .await?;
    Entry::new(actor, &format!("incident.{kind}"), "incident")
        .id(incident_id)
        .after(&serde_json::json!({ "message": message }))
        .write(&mut **tx)
        .await?;
    Ok(())
}

/// Recomputes the loyalty standing of the customers of `incidents`: once per transaction,
/// after every change in it.
pub async fn follow(tx: &mut Tx, incidents: &[i64]) -> Result<(), AppError> {
    let mut q = Sql::new("SELECT DISTINCT customer_id FROM incidents WHERE id IN ");
    q.list(incidents.iter().copied());
    let customers: Vec<i64> = q.query_scalar().fetch_all(&mut **tx).await?;
    crate::standing::recompute::refresh(tx, &customers, now_ms()).await
}

/// Commits a change to incident `id`, its customer's standing following it.
async fn commit(mut tx: Tx, id: i64) -> Result<(), AppError> {
    follow(&mut tx, &[id]).await?;
    tx.commit().await?;
    Ok(())
}

/// The incident's status; an incident that does not exist is not found.
async fn status_of(tx: &mut Tx, id: i64) -> Result<Status, AppError> {
    let s: Option<String> = sqlx::query_scalar("SELECT status FROM incidents WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    match s {
        None => Err(AppError::NotFound("That incident".into())),
        Some(s) => Status::decode(&s, "incidents", id),
    }
}

/// Marks the incident changed now.
async fn touch(tx: &mut Tx, id: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE incidents SET updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A statement with its values bound, run as part of a [`Change`].
type Update = sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments<'static>>;

/// One simple change to an incident, applied in its own transaction: the incident must exist
/// (and be in the status the change starts from, if it names one); the update runs and marks
/// the incident changed; the timeline and the audit log record what happened.
struct Change {
    kind: &'static str,
    message: String,
    only_from: Option<(Status, &'static str)>,
    update: Option<Update>,
}

impl Change {
    /// A change recorded as an internal timeline event of `kind` saying `message`.
    fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            only_from: None,
            update: None,
        }
    }

    /// Allowed only from `status`; from any other, a conflict saying `refusal`.
    fn only_from(mut self, status: Status, refusal: &'static str) -> Self {
        self.only_from = Some((status, refusal));
        self
    }

    fn update(mut self, update: Update) -> Self {
        self.update = Some(update);
        self
    }

    async fn apply(self, db: &Db, id: i64, actor: &Actor) -> Result<(), AppError> {
        let mut tx = crate::db::begin_write(db).await?;
        let status = status_of(&mut tx, id).await?;
        if let Some((from, refusal)) = self.only_from {
            if status != from {
                return Err(AppError::Conflict(refusal.into()));
            }
        }
        if let Some(update) = self.update {
            update.execute(&mut *tx).await?;
            touch(&mut tx, id).await?;
        }
        record(&mut tx, id, actor, self.kind, &self.message, true).await?;
        commit(tx, id).await?;
        Ok(())
    }
}
