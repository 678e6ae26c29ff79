//! Recording events. A domain calls [`record`] inside the transaction of its change: the event
//! and one pending delivery per enabled endpoint subscribed to it are written with the change,
//! so what was rolled back is never announced and what was committed is never lost. An event no
//! enabled endpoint wants is not stored at all.
use super::payloads::{rfc3339, WebhookMessage};
use super::EventType;
use crate::db::{now_ms, Sql};
use crate::error::AppError;
use serde::Serialize;
use sqlx::AnyConnection;

/// Rows per multi-row insert: well under both databases' limits on binds.
const CHUNK: usize = 200;

/// A new `webhook-id`: `msg_` and 24 random characters.
fn new_message_id() -> String {
    use rand::distributions::Alphanumeric;
    use rand::Rng;
    let tail: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(24)
        .map(char::from)
        .collect();
    format!("msg_{tail}")
}

/// The body a delivery of `data` as `event_type` sends, stamped `at`.
fn body(event_type: &str, at: i64, data: &impl Serialize) -> Result<String, AppError> {
    let message = WebhookMessage {
        event_type: event_type.to_string(),
        timestamp: rfc3339(at),
        data: serde_json::to_value(data).map_err(|e| AppError::internal("webhook payload", e))?,
    };
    serde_json::to_string(&message).map_err(|e| AppError::internal("webhook body", e))
}

/// The enabled endpoints subscribed to `event`.
async fn subscribers(conn: &mut AnyConnection, event: EventType) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT e.id FROM webhook_endpoints e JOIN webhook_subscriptions s ON s.endpoint_id = e.id
         WHERE s.event_type = $1 AND e.enabled = 1 ORDER BY e.id",
    )
    .bind(event.as_str())
    .fetch_all(&mut *conn)
    .await?)
}

/// Records one `event` carrying `data`, in the caller's transaction (`conn`).
pub async fn record(
    conn: &mut AnyConnection,
    event: EventType,
    data: &impl Serialize,
) -> Result<(), AppError> {
    record_many(conn, event, std::slice::from_ref(data)).await
}

/// Records one `event` per item of `data` (a batch's customers, say), in the caller's
/// transaction, a few hundred rows per statement.
pub async fn record_many<T: Serialize>(
    conn: &mut AnyConnection,
    event: EventType,
    data: &[T],
) -> Result<(), AppError> {
    if data.is_empty() {
        return Ok(());
    }
    let endpoints = subscribers(conn, event).await?;
    if endpoints.is_empty() {
        return Ok(());
    }
    let now = now_ms();
    for chunk in data.chunks(CHUNK) {
        let rows = chunk
            .iter()
            .map(|d| Ok((new_message_id(), body(event.as_str(), now, d)?)))
            .collect::<Result<Vec<_>, AppError>>()?;
        let mut insert = Sql::new(
            "INSERT INTO webhook_events (message_id, event_type, body, created_at) VALUES ",
        );
        insert.rows(&rows, |row, (id, body)| {
            row.bind(id).bind(event.as_str()).bind(body).bind(now);
        });
        insert.push(" RETURNING id");
        let ids: Vec<i64> = insert.query_scalar().fetch_all(&mut *conn).await?;
        let pairs: Vec<(i64, i64)> = ids
            .iter()
            .flat_map(|event_id| endpoints.iter().map(move |e| (*event_id, *e)))
            .collect();
        queue(conn, &pairs, now).await?;
    }
    Ok(())
}

/// Queues a pending delivery, due `now`, for each (event, endpoint) pair.
pub(super) async fn queue(
    conn: &mut AnyConnection,
    pairs: &[(i64, i64)],
    now: i64,
) -> Result<(), AppError> {
    for chunk in pairs.chunks(CHUNK) {
        let mut insert = Sql::new(
            "INSERT INTO webhook_deliveries (event_id, endpoint_id, status, attempts, next_attempt_at, created_at) VALUES ",
        );
        insert.rows(chunk, |row, (event_id, endpoint_id)| {
            row.bind(*event_id)
                .bind(*endpoint_id)
                .bind("pending")
                .bind(0i64)
                .bind(now)
                .bind(now);
        });
        insert.query().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Records a `webhook.test` event for endpoint `endpoint_id` alone, due now.
pub(super) async fn record_test(
    conn: &mut AnyConnection,
    endpoint_id: i64,
) -> Result<i64, AppError> {
    let now = now_ms();
    let data = super::payloads::TestData {
        endpoint_id,
        message: "A test event sent from Extra Mile (Admin → Webhooks).".into(),
    };
    let event_id: i64 = sqlx::query_scalar(
        "INSERT INTO webhook_events (message_id, event_type, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(new_message_id())
    .bind(super::TEST_EVENT)
    .bind(body(super::TEST_EVENT, now, &data)?)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    queue(conn, &[(event_id, endpoint_id)], now).await?;
    Ok(event_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_has_the_type_an_rfc3339_timestamp_and_the_data() {
        let text = body(
            "story.logged",
            1_614_265_330_000,
            &serde_json::json!({"story_id": 7}),
        )
        .unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"type": "story.logged", "timestamp": "2021-02-25T15:02:10Z", "data": {"story_id": 7}})
        );
    }

    #[test]
    fn message_ids_are_prefixed_and_unique() {
        let (a, b) = (new_message_id(), new_message_id());
        assert!(a.starts_with("msg_") && a.len() == 28);
        assert_ne!(a, b);
    }
}
