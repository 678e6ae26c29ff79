//! Notices to the customer: kept for their portal and queued for email together.
use super::{record, status_of};
use crate::audit::Actor;
use crate::db::{now_ms, Db, Tx};
use crate::error::AppError;

/// A notice to the customer: kept for their portal and queued for email in the same
/// transaction, so it is never lost between the two.
pub async fn send_notice(
    db: &Db,
    id: i64,
    subject: &str,
    body: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let subject = subject.trim();
    let body = body.trim();
    let mut errors = Vec::new();
    if subject.is_empty() || subject.chars().count() > 200 {
        errors.push(crate::error::FieldError::new(
            "subject",
            "Give the notice a subject of up to 200 characters.",
        ));
    }
    if body.is_empty() || body.chars().count() > 8000 {
        errors.push(crate::error::FieldError::new(
            "body",
            "Write what went wrong and what we did (up to 8,000 characters).",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    let mut tx = crate::db::begin_write(db).await?;
    status_of(&mut tx, id).await?;
    insert_notice(&mut tx, id, subject, body, actor).await?;
    super::commit(tx, id).await?;
    Ok(())
}

/// Inserts a notice and, when the customer has an email address, its outbox message, in `tx`:
/// the two are saved together or not at all.
pub async fn insert_notice(
    tx: &mut Tx,
    id: i64,
    subject: &str,
    body: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let (customer_id, email): (i64, Option<String>) =
        sqlx::query_as("SELECT c.id, c.email FROM incidents i JOIN customers c ON c.id = i.customer_id WHERE i.id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    let now = now_ms();
    let notice_id: i64 = sqlx::query_scalar(
        "INSERT INTO notices (incident_id, customer_id, subject, body, created_by_label, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(id)
    .bind(customer_id)
    .bind(subject)
    .bind(body)
    .bind(&actor.label)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    let delivery = match &email {
        Some(address) => {
            sqlx::query(
                "INSERT INTO email_outbox (notice_id, to_address, subject, body, status, attempts, next_attempt_at, created_at)
                 VALUES ($1, $2, $3, $4, 'queued', 0, $5, $5)",
            )
            .bind(notice_id)
            .bind(address)
            .bind(subject)
            .bind(body)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            format!("queued for email to {address}")
        }
        None => "shown in the portal (no email address on file)".to_string(),
    };
    record(
        tx,
        id,
        actor,
        "notice",
        &format!("Notice \"{subject}\" {delivery}"),
        false,
    )
    .await
}
