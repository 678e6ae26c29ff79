//! The email outbox. Notices are written here in the same transaction as the change that
//! produced them, then delivered through SMTP by a background worker: claimed with a lease so
//! several instances never send one message twice, retried with exponential backoff, every
//! attempt logged. Without SMTP configured, messages wait here and admins can read them.
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub next_attempt_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxView {
    pub messages: Vec<OutboxMessage>,
    pub smtp_configured: bool,
}

/// Attempts after which a message is marked failed and left for an admin.
pub const MAX_ATTEMPTS: i64 = 8;

/// Wait before retry `attempt` (1-based): 30 s, 1 min, 2 min… at most an hour.
/// Queues an email that belongs to no notice (account emails), with any executor so it is
/// saved with the change that sends it.
#[cfg(feature = "ssr")]
pub async fn queue<'e, E>(
    db: E,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<(), crate::error::AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO email_outbox (to_address, subject, body, status, attempts, next_attempt_at, created_at)
         VALUES ($1, $2, $3, 'queued', 0, $4, $4)",
    )
    .bind(to)
    .bind(subject)
    .bind(body)
    .bind(crate::db::now_ms())
    .execute(db)
    .await?;
    Ok(())
}

pub fn backoff_ms(attempt: i64) -> i64 {
    let exp = (attempt - 1).clamp(0, 10) as u32;
    (30_000i64 * 2i64.pow(exp)).min(3_600_000)
}

#[cfg(feature = "ssr")]
pub mod delivery {
    use super::*;
    use crate::clock::Clock;
    use crate::db::Db;
    use crate::error::AppError;
    use lettre::message::Mailbox;
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    use sqlx::Row;

    /// How long a claimed message is reserved for the instance sending it.
    const LEASE_MS: i64 = 120_000;

    pub struct Mailer {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    }

    impl Mailer {
        /// `smtp://host:port` (plain), `smtp://…?tls=required` (STARTTLS) or `smtps://` (TLS),
        /// with optional `user:password@`.
        pub fn from_url(url: &str, from: &str) -> Result<Self, String> {
            let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map_err(|e| format!("SMTP_URL is not valid: {e}"))?
                .build();
            let from = from
                .parse()
                .map_err(|e| format!("EXTRAMILE_MAIL_FROM is not a valid address: {e}"))?;
            Ok(Self { transport, from })
        }

        async fn send(&self, id: i64, to: &str, subject: &str, body: &str) -> Result<(), String> {
            let to: Mailbox = to.parse().map_err(|e| format!("bad recipient: {e}"))?;
            let domain = self.from.email.domain().to_string();
            let message = Message::builder()
                .from(self.from.clone())
                .to(to)
                .subject(subject)
                // A stable id lets receivers drop a copy should a send ever be repeated.
                .message_id(Some(format!("<notice-{id}@{domain}>")))
                .body(body.to_string())
                .map_err(|e| format!("could not build the message: {e}"))?;
            self.transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
    }

    /// Sends what is due by `clock`; returns how many messages were sent.
    pub async fn deliver_due(db: &Db, mailer: &Mailer, clock: &Clock) -> Result<usize, AppError> {
        let now = clock.now_ms();
        let due = sqlx::query(
            "SELECT id, to_address, subject, body, attempts FROM email_outbox
             WHERE status = 'queued' AND next_attempt_at <= $1 ORDER BY id LIMIT 20",
        )
        .bind(now)
        .fetch_all(db)
        .await?;
        let mut sent = 0;
        for row in due {
            let id: i64 = row.try_get("id")?;
            let claimed = sqlx::query(
                "UPDATE email_outbox SET next_attempt_at = $1 WHERE id = $2 AND status = 'queued' AND next_attempt_at <= $3",
            )
            .bind(now + LEASE_MS)
            .bind(id)
            .bind(now)
            .execute(db)
            .await?;
            if claimed.rows_affected() != 1 {
                continue; // another instance has it
            }
            let attempt = row.try_get::<i64, _>("attempts")? + 1;
            let to: String = row.try_get("to_address")?;
            let result = mailer
                .send(
                    id,
                    &to,
                    &row.try_get::<String, _>("subject")?,
                    &row.try_get::<String, _>("body")?,
                )
                .await;
            let at = clock.now_ms();
            let mut tx = crate::db::begin_write(db).await?;
            match &result {
                Ok(()) => {
                    sqlx::query("UPDATE email_outbox SET status = 'sent', attempts = $1, sent_at = $2, last_error = NULL WHERE id = $3")
                        .bind(attempt)
                        .bind(at)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    sent += 1;
                    tracing::info!(outbox_id = id, attempt, "notice email sent");
                }
                Err(error) => {
                    let status = if attempt >= MAX_ATTEMPTS {
                        "failed"
                    } else {
                        "queued"
                    };
                    sqlx::query(
                        "UPDATE email_outbox SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4 WHERE id = $5",
                    )
                    .bind(status)
                    .bind(attempt)
                    .bind(at + backoff_ms(attempt))
                    .bind(error)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    tracing::warn!(outbox_id = id, attempt, "notice email failed: {error}");
                }
            }
            sqlx::query("INSERT INTO email_attempts (outbox_id, at, outcome, detail) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(at)
                .bind(if result.is_ok() { "sent" } else { "error" })
                .bind(result.err())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(sent)
    }

    pub async fn recent(db: &Db) -> Result<Vec<OutboxMessage>, AppError> {
        let rows = sqlx::query(
            "SELECT id, to_address, subject, body, status, attempts, last_error, created_at, sent_at, next_attempt_at
             FROM email_outbox ORDER BY id DESC LIMIT 100",
        )
        .fetch_all(db)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxMessage {
                    id: r.try_get("id")?,
                    to_address: r.try_get("to_address")?,
                    subject: r.try_get("subject")?,
                    body: r.try_get("body")?,
                    status: r.try_get("status")?,
                    attempts: r.try_get("attempts")?,
                    last_error: r.try_get("last_error")?,
                    created_at: r.try_get("created_at")?,
                    sent_at: r.try_get("sent_at")?,
                    next_attempt_at: r.try_get("next_attempt_at")?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        assert_eq!(backoff_ms(1), 30_000);
        assert_eq!(backoff_ms(2), 60_000);
        assert_eq!(backoff_ms(4), 240_000);
        assert_eq!(backoff_ms(20), 3_600_000);
    }
}
