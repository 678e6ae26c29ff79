//! How much work waits in the two outboxes: emails queued for delivery and webhook deliveries
//! pending, each with the age of the oldest, for monitoring (`GET /metrics`).
use crate::db::Db;
use crate::error::AppError;

/// Queue depths and the age of the oldest item of each, in milliseconds (`None` when empty).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Depths {
    pub outbox_queued: i64,
    pub outbox_oldest_age_ms: Option<i64>,
    pub webhooks_pending: i64,
    pub webhooks_oldest_age_ms: Option<i64>,
}

/// The depths at `now`: two small aggregate reads over the status indexes.
pub async fn depths(db: &Db, now: i64) -> Result<Depths, AppError> {
    let (outbox_queued, outbox_oldest): (i64, Option<i64>) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT), MIN(created_at) FROM email_outbox WHERE status = 'queued'",
    )
    .fetch_one(db)
    .await?;
    let (webhooks_pending, webhooks_oldest): (i64, Option<i64>) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT), MIN(created_at) FROM webhook_deliveries
         WHERE status = 'pending'",
    )
    .fetch_one(db)
    .await?;
    Ok(Depths {
        outbox_queued,
        outbox_oldest_age_ms: outbox_oldest.map(|t| now - t),
        webhooks_pending,
        webhooks_oldest_age_ms: webhooks_oldest.map(|t| now - t),
    })
}
