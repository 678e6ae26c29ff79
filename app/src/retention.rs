//! Retention: deletes what is older than the organisation keeps it (`crate::org::retention`):
//! audit entries, service signals, delivered webhook deliveries with their attempts (and events
//! none is left for) and sent emails with their attempts. Runs as an hourly job; each statement
//! deletes a bounded batch, oldest first through an index, so a long backlog never holds a
//! lock for long and other writers interleave.
use crate::db::{begin_write, Db, Sql};
use crate::error::AppError;

/// Rows deleted per statement.
const BATCH: i64 = 1000;

const DAY_MS: i64 = 86_400_000;

/// One pass: deletes everything past retention at `now_ms`, batch by batch, and returns how
/// many records went. What it deleted is recorded in the audit log.
pub async fn apply(db: &Db, now_ms: i64) -> Result<usize, AppError> {
    let keep = crate::org::retention::store::load(db).await?;
    let cutoff = |days: i64| now_ms - days * DAY_MS;
    let audit = until_done(|| {
        delete_batch(
            db,
            "SELECT id FROM audit_log WHERE at < $1 ORDER BY at LIMIT $2",
            &[],
            "DELETE FROM audit_log WHERE id IN ",
            cutoff(keep.audit_days),
        )
    })
    .await?;
    let signals = until_done(|| {
        delete_batch(
            db,
            "SELECT id FROM signals WHERE received_at < $1 ORDER BY received_at LIMIT $2",
            &[],
            "DELETE FROM signals WHERE id IN ",
            cutoff(keep.signals_days),
        )
    })
    .await?;
    let emails = until_done(|| {
        delete_batch(
            db,
            "SELECT id FROM email_outbox WHERE status = 'sent' AND sent_at < $1
             ORDER BY sent_at LIMIT $2",
            &["DELETE FROM email_attempts WHERE outbox_id IN "],
            "DELETE FROM email_outbox WHERE id IN ",
            cutoff(keep.email_days),
        )
    })
    .await?;
    let webhooks = until_done(|| {
        delete_batch(
            db,
            "SELECT id FROM webhook_deliveries WHERE status = 'delivered' AND finished_at < $1
             ORDER BY finished_at LIMIT $2",
            &["DELETE FROM webhook_attempts WHERE delivery_id IN "],
            "DELETE FROM webhook_deliveries WHERE id IN ",
            cutoff(keep.webhook_days),
        )
    })
    .await?;
    // Events whose every delivery is gone: nothing can be redelivered from them any more.
    let events = until_done(|| {
        delete_batch(
            db,
            "SELECT e.id FROM webhook_events e WHERE e.created_at < $1
             AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)
             ORDER BY e.created_at LIMIT $2",
            &[],
            "DELETE FROM webhook_events WHERE id IN ",
            cutoff(keep.webhook_days),
        )
    })
    .await?;
    let total = audit + signals + emails + webhooks + events;
    if total > 0 {
        let deleted = serde_json::json!({
            "audit_entries": audit,
            "signals": signals,
            "emails": emails,
            "webhook_deliveries": webhooks,
            "webhook_events": events,
        });
        crate::audit::Entry::new(
            &crate::audit::Actor::system("retention"),
            "retention.applied",
            "org_settings",
        )
        .id("retention")
        .after(&deleted)
        .write(db)
        .await?;
    }
    Ok(total)
}

/// Runs `batch` until one deletes less than a full batch; the rows deleted in all.
async fn until_done<F, Fut>(mut batch: F) -> Result<usize, AppError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<usize, AppError>>,
{
    let mut total = 0;
    loop {
        let n = batch().await?;
        total += n;
        if (n as i64) < BATCH {
            return Ok(total);
        }
    }
}

/// In one transaction: the ids `select` finds older than `cutoff` (up to a batch), the rows of
/// `dependents` that refer to them, then the rows themselves. The number of rows deleted.
async fn delete_batch(
    db: &Db,
    select: &'static str,
    dependents: &[&'static str],
    delete: &'static str,
    cutoff: i64,
) -> Result<usize, AppError> {
    let mut tx = begin_write(db).await?;
    let ids: Vec<i64> = sqlx::query_scalar(select)
        .bind(cutoff)
        .bind(BATCH)
        .fetch_all(&mut *tx)
        .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    for dependent in dependents {
        let mut q = Sql::new(dependent);
        q.list(ids.iter().copied());
        q.query().execute(&mut *tx).await?;
    }
    let mut q = Sql::new(delete);
    q.list(ids.iter().copied());
    q.query().execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(ids.len())
}
