//! Emails for notifications: each notification someone wants by email becomes one message in
//! the outbox, or, for those who chose a daily digest, one message a day listing them. A pass
//! claims what it sends with a conditional update in the transaction that queues it, so several
//! instances passing at once never queue a notification twice.
use crate::db::{Db, Tx};
use crate::error::AppError;
use sqlx::Row;

/// The local hour from which the day's digests go out.
pub const DIGEST_HOUR: u32 = 7;

/// Claims at most this many notifications per transaction.
const BATCH: i64 = 200;

/// One pass: queues an email for every notification waiting to be emailed on its own, and,
/// from [`DIGEST_HOUR`] in the organisation's time zone, each digest not yet sent today.
/// Links point under `public_url`. Returns the number of emails queued.
pub async fn send_due(db: &Db, now_ms: i64, public_url: &str) -> Result<usize, AppError> {
    let base = public_url.trim_end_matches('/');
    let mut queued = 0;
    loop {
        let mut tx = crate::db::begin_write(db).await?;
        let claimed = sqlx::query(
            "UPDATE notifications SET email_state = 'queued'
             WHERE email_state = 'pending' AND id IN (
                 SELECT id FROM notifications WHERE email_state = 'pending' ORDER BY id LIMIT $1)
             RETURNING recipient_id, title, link, detail",
        )
        .bind(BATCH)
        .fetch_all(&mut *tx)
        .await?;
        if claimed.is_empty() {
            break;
        }
        let full = claimed.len() as i64 == BATCH;
        for row in &claimed {
            let title: String = row.try_get("title")?;
            let link: String = row.try_get("link")?;
            let detail: Option<String> = row.try_get("detail")?;
            let mut body = format!("{title}\n\n");
            if let Some(detail) = detail {
                body.push_str(&format!("{detail}\n\n"));
            }
            body.push_str(&format!("Open it: {base}{link}\n"));
            body.push_str(&footer(base));
            if queue_to(&mut tx, row.try_get("recipient_id")?, &title, &body).await? {
                queued += 1;
            }
        }
        tx.commit().await?;
        if !full {
            break;
        }
    }
    queued += send_digests(db, now_ms, base).await?;
    Ok(queued)
}

/// Queues each digest due today: once per person and local day.
async fn send_digests(db: &Db, now_ms: i64, base: &str) -> Result<usize, AppError> {
    use chrono::Timelike;
    let tz = crate::org::clock::time_zone(db).await?;
    let local = chrono::DateTime::from_timestamp_millis(now_ms)
        .unwrap_or_default()
        .with_timezone(&tz);
    if local.hour() < DIGEST_HOUR {
        return Ok(0);
    }
    let today = local.date_naive().to_string();
    let waiting: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT recipient_id FROM notifications WHERE email_state = 'digest'",
    )
    .fetch_all(db)
    .await?;
    let mut queued = 0;
    for staff in waiting {
        let mut tx = crate::db::begin_write(db).await?;
        sqlx::query(
            "INSERT INTO notification_digests (staff_id, daily) VALUES ($1, 1) ON CONFLICT (staff_id) DO NOTHING",
        )
        .bind(staff)
        .execute(&mut *tx)
        .await?;
        let claimed = sqlx::query(
            "UPDATE notification_digests SET last_day = $1 WHERE staff_id = $2 AND last_day <> $1",
        )
        .bind(&today)
        .bind(staff)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            continue; // sent today already, here or by another instance
        }
        let mut items: Vec<(i64, String, String)> = sqlx::query_as(
            "UPDATE notifications SET email_state = 'queued'
             WHERE recipient_id = $1 AND email_state = 'digest' RETURNING id, title, link",
        )
        .bind(staff)
        .fetch_all(&mut *tx)
        .await?;
        if items.is_empty() {
            continue;
        }
        items.sort_by_key(|(id, _, _)| *id);
        let subject = format!("{} notification(s) from Extra Mile today", items.len());
        let mut body = String::from("What happened since your last digest:\n\n");
        for (_, title, link) in &items {
            body.push_str(&format!("- {title} — {base}{link}\n"));
        }
        body.push('\n');
        body.push_str(&footer(base));
        if queue_to(&mut tx, staff, &subject, &body).await? {
            queued += 1;
        }
        tx.commit().await?;
    }
    Ok(queued)
}

/// Queues `subject` and `body` to active staff member `staff`; whether they had an address.
async fn queue_to(tx: &mut Tx, staff: i64, subject: &str, body: &str) -> Result<bool, AppError> {
    let to: Option<String> =
        sqlx::query_scalar("SELECT email FROM staff_users WHERE id = $1 AND active = 1")
            .bind(staff)
            .fetch_optional(&mut **tx)
            .await?;
    match to {
        Some(to) => {
            crate::outbox::queue(&mut **tx, &to, subject, body).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}

fn footer(base: &str) -> String {
    format!("\nChoose what reaches you and how: {base}/notifications/settings\n")
}
