//! Delivering the webhook outbox: a pass claims each due delivery with a lease (so several
//! instances never send one attempt twice, and a crashed instance's claim runs out), POSTs the
//! signed body with a 10-second timeout and no redirects followed, and records the attempt.
//! A failure is retried with exponential backoff (the first retry 30 seconds later); after
//! about a day of failures the delivery is given up and its endpoint marked failing. Delivery
//! is at least once: a receiver that answered but whose answer was lost is sent it again, with
//! the same `webhook-id`.
use super::address::{self, GuardedResolver};
use super::signature;
use crate::clock::Clock;
use crate::db::Db;
use crate::error::AppError;
use sqlx::Row;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Attempts after which a delivery is given up: the waits between them add up to about a day.
pub const MAX_ATTEMPTS: i64 = 13;

/// How long an attempt may take, connecting included.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// How long a claimed delivery is reserved for the instance sending it: well past the timeout.
const LEASE_MS: i64 = 60_000;

/// Deliveries claimed per pass; the rest wait for the next.
const BATCH: i64 = 50;

/// How much of a response body is kept.
const BODY_KEPT: usize = 1024;

/// Wait before the retry that follows failed attempt `attempt` (1-based): 30 s, 1 min, 2 min…
/// doubling up to 8 hours. Twelve retries span about 24 hours.
pub fn backoff_ms(attempt: i64) -> i64 {
    let exp = (attempt - 1).clamp(0, 20) as u32;
    (30_000i64 * 2i64.pow(exp)).min(8 * 3_600_000)
}

/// One due delivery with what sending it needs.
struct Due {
    id: i64,
    attempt: i64,
    endpoint_id: i64,
    message_id: String,
    body: String,
    url: String,
    secret: String,
}

/// What came of one attempt.
struct Outcome {
    status_code: Option<i64>,
    response_ms: i64,
    response_body: Option<String>,
    error: Option<String>,
}

impl Outcome {
    fn succeeded(&self) -> bool {
        self.error.is_none() && self.status_code.is_some_and(|s| (200..300).contains(&s))
    }
}

/// One pass over the outbox at `clock`'s time: sends every due delivery to an enabled endpoint
/// (up to a batch) and returns how many attempts were made. Cheap when nothing is due (one
/// indexed read), so it can run every second.
pub async fn deliver_due(db: &Db, clock: &Clock, allow_private: bool) -> Result<usize, AppError> {
    let now = clock.now_ms();
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints p ON p.id = d.endpoint_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND p.enabled = 1
         ORDER BY d.next_attempt_at, d.id LIMIT $2",
    )
    .bind(now)
    .bind(BATCH)
    .fetch_all(db)
    .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    let client = client(allow_private)?;
    let mut attempted = 0;
    for id in ids {
        let now = clock.now_ms();
        let claimed = sqlx::query(
            "UPDATE webhook_deliveries SET next_attempt_at = $1
             WHERE id = $2 AND status = 'pending' AND next_attempt_at <= $3",
        )
        .bind(now + LEASE_MS)
        .bind(id)
        .bind(now)
        .execute(db)
        .await?;
        if claimed.rows_affected() != 1 {
            continue; // another instance has it
        }
        let due = load(db, id).await?;
        let outcome = send(&client, &due, clock, allow_private).await;
        finish(db, &due, &outcome, clock.now_ms()).await?;
        attempted += 1;
    }
    Ok(attempted)
}

/// Starts a delivery pass in the background now, for what an admin just asked to send.
pub fn deliver_soon(db: Db, clock: Clock, allow_private: bool) {
    tokio::spawn(async move {
        if let Err(e) = deliver_due(&db, &clock, allow_private).await {
            tracing::warn!("webhook delivery pass failed: {e}");
        }
    });
}

fn client(allow_private: bool) -> Result<reqwest::Client, AppError> {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        // A proxy would resolve names itself, out of reach of the address check.
        .no_proxy()
        .dns_resolver(Arc::new(GuardedResolver { allow_private }))
        .user_agent("ExtraMile-Webhooks/1")
        .build()
        .map_err(|e| AppError::internal("webhook HTTP client", e))
}

async fn load(db: &Db, id: i64) -> Result<Due, AppError> {
    let row = sqlx::query(
        "SELECT d.id, d.attempts, d.endpoint_id, e.message_id, e.body, p.url, p.secret
         FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
         JOIN webhook_endpoints p ON p.id = d.endpoint_id WHERE d.id = $1",
    )
    .bind(id)
    .fetch_one(db)
    .await?;
    Ok(Due {
        id: row.try_get("id")?,
        attempt: row.try_get::<i64, _>("attempts")? + 1,
        endpoint_id: row.try_get("endpoint_id")?,
        message_id: row.try_get("message_id")?,
        body: row.try_get("body")?,
        url: row.try_get("url")?,
        secret: row.try_get("secret")?,
    })
}

/// Makes one attempt; never fails, whatever the endpoint does.
async fn send(client: &reqwest::Client, due: &Due, clock: &Clock, allow_private: bool) -> Outcome {
    let started = Instant::now();
    let elapsed = || i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let refused = |error: String| Outcome {
        status_code: None,
        response_ms: 0,
        response_body: None,
        error: Some(error),
    };
    let url = match address::parse_url(&due.url) {
        Ok(url) => url,
        Err(e) => return refused(e),
    };
    if let Err(e) = address::check(&url, allow_private).await {
        return refused(e);
    }
    let timestamp = clock.now_ms().div_euclid(1000);
    let signature =
        match signature::sign(&due.secret, &due.message_id, timestamp, due.body.as_bytes()) {
            Ok(s) => s,
            Err(e) => return refused(e),
        };
    let sent = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &due.message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(due.body.clone())
        .send()
        .await;
    let mut response = match sent {
        Ok(r) => r,
        Err(e) => {
            return Outcome {
                response_ms: elapsed(),
                ..refused(describe(&e))
            }
        }
    };
    let status = i64::from(response.status().as_u16());
    // Only the first kilobyte is kept: the rest is never read.
    let mut kept = Vec::new();
    let mut error = None;
    while kept.len() < BODY_KEPT {
        match response.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(e) => {
                error = Some(describe(&e));
                break;
            }
        }
    }
    kept.truncate(BODY_KEPT);
    let text = String::from_utf8_lossy(&kept).into_owned();
    Outcome {
        status_code: Some(status),
        response_ms: elapsed(),
        response_body: Some(text).filter(|t| !t.is_empty()),
        error: error.or_else(|| {
            (!(200..300).contains(&status)).then(|| format!("the endpoint answered {status}"))
        }),
    }
}

/// A transport error in words, with what caused it.
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let mut text = kind.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// Records the attempt and moves the delivery on: delivered, retried later, or given up (and
/// its endpoint marked failing).
async fn finish(db: &Db, due: &Due, outcome: &Outcome, at: i64) -> Result<(), AppError> {
    let mut tx = crate::db::begin_write(db).await?;
    let next_retry =
        (!outcome.succeeded() && due.attempt < MAX_ATTEMPTS).then(|| at + backoff_ms(due.attempt));
    sqlx::query(
        "INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, response_ms, response_body, error, next_retry_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(due.id)
    .bind(due.attempt)
    .bind(at)
    .bind(outcome.status_code)
    .bind(outcome.response_ms)
    .bind(&outcome.response_body)
    .bind(&outcome.error)
    .bind(next_retry)
    .execute(&mut *tx)
    .await?;
    if outcome.succeeded() {
        sqlx::query(
            "UPDATE webhook_deliveries SET status = 'delivered', attempts = $1, finished_at = $2 WHERE id = $3",
        )
        .bind(due.attempt)
        .bind(at)
        .bind(due.id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1")
            .bind(due.endpoint_id)
            .execute(&mut *tx)
            .await?;
        tracing::info!(
            delivery_id = due.id,
            attempt = due.attempt,
            "webhook delivered"
        );
    } else if let Some(next) = next_retry {
        sqlx::query(
            "UPDATE webhook_deliveries SET attempts = $1, next_attempt_at = $2 WHERE id = $3",
        )
        .bind(due.attempt)
        .bind(next)
        .bind(due.id)
        .execute(&mut *tx)
        .await?;
        tracing::warn!(
            delivery_id = due.id,
            attempt = due.attempt,
            "webhook delivery failed, retrying: {}",
            outcome.error.as_deref().unwrap_or_default()
        );
    } else {
        sqlx::query(
            "UPDATE webhook_deliveries SET status = 'failed', attempts = $1, finished_at = $2 WHERE id = $3",
        )
        .bind(due.attempt)
        .bind(at)
        .bind(due.id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $1) WHERE id = $2",
        )
        .bind(at)
        .bind(due.endpoint_id)
        .execute(&mut *tx)
        .await?;
        tracing::error!(
            delivery_id = due.id,
            endpoint_id = due.endpoint_id,
            "webhook delivery given up after {} attempts: {}",
            due.attempt,
            outcome.error.as_deref().unwrap_or_default()
        );
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_retry_comes_within_30_seconds_and_waits_double_up_to_8_hours() {
        assert_eq!(backoff_ms(1), 30_000);
        assert_eq!(backoff_ms(2), 60_000);
        assert_eq!(backoff_ms(5), 480_000);
        assert_eq!(backoff_ms(40), 8 * 3_600_000);
    }

    #[test]
    fn retries_are_given_up_after_about_a_day() {
        let total: i64 = (1..MAX_ATTEMPTS).map(backoff_ms).sum();
        let hours = total as f64 / 3_600_000.0;
        assert!((20.0..=30.0).contains(&hours), "{hours} hours");
    }
}
