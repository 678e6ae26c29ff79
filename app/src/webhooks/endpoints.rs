//! Webhook endpoints as admins manage them (on the page and over the API): added with their
//! events and a new signing secret, listed, enabled or disabled, deleted; a test event sent to
//! one; its delivery log read; a delivery sent again. Every change is audited.
use super::{address, signature, Attempt, Delivery, Endpoint, EventType};
use crate::audit::{Actor, Entry};
use crate::db::{now_ms, Db, Sql};
use crate::error::{AppError, FieldError};
use sqlx::any::AnyRow;
use sqlx::Row;

/// Deliveries a log shows, newest first.
pub const LOG_LIMIT: i64 = 100;

/// An endpoint as submitted, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEndpoint {
    pub url: String,
    pub description: String,
    pub events: Vec<EventType>,
    pub enabled: bool,
}

impl NewEndpoint {
    /// Checks what needs no network: the URL's form, the description's length and the event
    /// names (unknown ones are named in the error). Where the URL points is checked on create.
    pub fn parse(
        url: &str,
        description: &str,
        events: &[String],
        enabled: bool,
    ) -> Result<Self, AppError> {
        let mut problems = Vec::new();
        let url = match address::parse_url(url) {
            Ok(u) => u.to_string(),
            Err(e) => {
                problems.push(FieldError::new("url", e));
                String::new()
            }
        };
        let description = description.trim().to_string();
        if description.chars().count() > 200 {
            problems.push(FieldError::new(
                "description",
                "Keep the description to 200 characters.",
            ));
        }
        let unknown: Vec<&str> = events
            .iter()
            .map(|e| e.trim())
            .filter(|e| EventType::parse(e).is_none())
            .collect();
        let mut chosen: Vec<EventType> = events
            .iter()
            .filter_map(|e| EventType::parse(e.trim()))
            .collect();
        chosen.sort();
        chosen.dedup();
        if !unknown.is_empty() {
            let known: Vec<&str> = EventType::ALL.iter().map(|e| e.as_str()).collect();
            problems.push(FieldError::new(
                "events",
                format!(
                    "Unknown events: {}. Events are {}.",
                    unknown.join(", "),
                    known.join(", ")
                ),
            ));
        } else if chosen.is_empty() {
            problems.push(FieldError::new(
                "events",
                "Choose at least one event to send.",
            ));
        }
        if !problems.is_empty() {
            return Err(AppError::fields(problems));
        }
        Ok(Self {
            url,
            description,
            events: chosen,
            enabled,
        })
    }
}

const SELECT: &str =
    "SELECT id, url, description, enabled, failing_since, created_at FROM webhook_endpoints";

async fn with_events(db: &Db, rows: Vec<AnyRow>) -> Result<Vec<Endpoint>, AppError> {
    let mut endpoints = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let events: Vec<String> = sqlx::query_scalar(
            "SELECT event_type FROM webhook_subscriptions WHERE endpoint_id = $1 ORDER BY event_type",
        )
        .bind(id)
        .fetch_all(db)
        .await?;
        endpoints.push(Endpoint {
            id,
            url: r.try_get("url")?,
            description: r.try_get("description")?,
            events,
            enabled: r.try_get::<i64, _>("enabled")? == 1,
            failing_since: r.try_get("failing_since")?,
            created_at: r.try_get("created_at")?,
        });
    }
    Ok(endpoints)
}

/// Every endpoint, oldest first.
pub async fn list(db: &Db) -> Result<Vec<Endpoint>, AppError> {
    let rows = sqlx::query(&format!("{SELECT} ORDER BY id"))
        .fetch_all(db)
        .await?;
    with_events(db, rows).await
}

/// One endpoint; an unknown id is not found.
pub async fn find(db: &Db, id: i64) -> Result<Endpoint, AppError> {
    let row = sqlx::query(&format!("{SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or_else(|| AppError::NotFound("That webhook endpoint".into()))?;
    Ok(with_events(db, vec![row]).await?.remove(0))
}

/// Adds an endpoint after checking where its URL points; returns it with its signing secret,
/// which is shown this once.
pub async fn create(
    db: &Db,
    new: NewEndpoint,
    allow_private: bool,
    created_by: Option<i64>,
    actor: &Actor,
) -> Result<(Endpoint, String), AppError> {
    let url = address::parse_url(&new.url).map_err(|e| AppError::field("url", e))?;
    address::check(&url, allow_private)
        .await
        .map_err(|e| AppError::field("url", format!("This URL cannot receive webhooks: {e}.")))?;
    let secret = signature::new_secret();
    let now = now_ms();
    let mut tx = crate::db::begin_write(db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO webhook_endpoints (url, description, secret, enabled, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(&new.url)
    .bind(&new.description)
    .bind(&secret)
    .bind(new.enabled as i64)
    .bind(created_by)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let mut insert =
        Sql::new("INSERT INTO webhook_subscriptions (endpoint_id, event_type) VALUES ");
    insert.rows(&new.events, |row, e| {
        row.bind(id).bind(e.as_str());
    });
    insert.query().execute(&mut *tx).await?;
    let endpoint = Endpoint {
        id,
        url: new.url,
        description: new.description,
        events: {
            // As `list` reads them back: by name.
            let mut names: Vec<String> = new.events.iter().map(|e| e.as_str().into()).collect();
            names.sort();
            names
        },
        enabled: new.enabled,
        failing_since: None,
        created_at: now,
    };
    Entry::new(actor, "webhook.create", "webhook_endpoint")
        .id(id)
        .after(&endpoint)
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok((endpoint, secret))
}

/// Deletes an endpoint with its pending deliveries and its log.
pub async fn delete(db: &Db, id: i64, actor: &Actor) -> Result<(), AppError> {
    let before = find(db, id).await?;
    let mut tx = crate::db::begin_write(db).await?;
    let done = sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("That webhook endpoint".into()));
    }
    Entry::new(actor, "webhook.delete", "webhook_endpoint")
        .id(id)
        .before(&before)
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Enables or disables an endpoint. A disabled endpoint is sent nothing: new events are not
/// queued for it, and what was queued waits until it is enabled again.
pub async fn set_enabled(db: &Db, id: i64, enabled: bool, actor: &Actor) -> Result<(), AppError> {
    let mut tx = crate::db::begin_write(db).await?;
    let done =
        sqlx::query("UPDATE webhook_endpoints SET enabled = $1, updated_at = $2 WHERE id = $3")
            .bind(enabled as i64)
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("That webhook endpoint".into()));
    }
    let action = if enabled {
        "webhook.enable"
    } else {
        "webhook.disable"
    };
    Entry::new(actor, action, "webhook_endpoint")
        .id(id)
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Queues a `webhook.test` event for one enabled endpoint, through the same outbox as every
/// event, so it shows in the delivery log.
pub async fn send_test(db: &Db, id: i64, actor: &Actor) -> Result<i64, AppError> {
    let endpoint = find(db, id).await?;
    if !endpoint.enabled {
        return Err(AppError::Conflict(
            "Enable the endpoint before sending it a test event.".into(),
        ));
    }
    let mut tx = crate::db::begin_write(db).await?;
    let event_id = super::events::record_test(&mut tx, id).await?;
    Entry::new(actor, "webhook.test", "webhook_endpoint")
        .id(id)
        .after(&serde_json::json!({ "event_id": event_id }))
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(event_id)
}

/// Queues delivery `delivery_id`'s event to its endpoint again, as a new delivery due now;
/// returns the endpoint's id.
pub async fn redeliver(db: &Db, delivery_id: i64, actor: &Actor) -> Result<i64, AppError> {
    let mut tx = crate::db::begin_write(db).await?;
    let found: Option<(i64, i64)> =
        sqlx::query_as("SELECT event_id, endpoint_id FROM webhook_deliveries WHERE id = $1")
            .bind(delivery_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (event_id, endpoint_id) =
        found.ok_or_else(|| AppError::NotFound("That delivery".into()))?;
    super::events::queue(&mut tx, &[(event_id, endpoint_id)], now_ms()).await?;
    Entry::new(actor, "webhook.redeliver", "webhook_endpoint")
        .id(endpoint_id)
        .after(&serde_json::json!({ "event_id": event_id, "delivery_id": delivery_id }))
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(endpoint_id)
}

/// An endpoint's latest deliveries, newest first, each with its attempts in order.
pub async fn deliveries(db: &Db, endpoint_id: i64) -> Result<Vec<Delivery>, AppError> {
    let rows = sqlx::query(
        "SELECT d.id, d.event_id, e.message_id, e.event_type, d.status, d.next_attempt_at, d.created_at
         FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
         WHERE d.endpoint_id = $1 ORDER BY d.id DESC LIMIT $2",
    )
    .bind(endpoint_id)
    .bind(LOG_LIMIT)
    .fetch_all(db)
    .await?;
    let mut deliveries = rows
        .iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            Ok(Delivery {
                id: r.try_get("id")?,
                event_id: r.try_get("event_id")?,
                message_id: r.try_get("message_id")?,
                event_type: r.try_get("event_type")?,
                next_attempt_at: if status == "pending" {
                    Some(r.try_get("next_attempt_at")?)
                } else {
                    None
                },
                status,
                created_at: r.try_get("created_at")?,
                attempts: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    if deliveries.is_empty() {
        return Ok(deliveries);
    }
    let mut q = Sql::new(
        "SELECT delivery_id, attempt, at, status_code, response_ms, response_body, error, next_retry_at
         FROM webhook_attempts WHERE delivery_id IN ",
    );
    q.list(deliveries.iter().map(|d| d.id));
    q.push(" ORDER BY delivery_id, attempt");
    for r in q.query().fetch_all(db).await? {
        let delivery_id: i64 = r.try_get("delivery_id")?;
        let attempt = Attempt {
            attempt: r.try_get("attempt")?,
            at: r.try_get("at")?,
            status_code: r.try_get("status_code")?,
            response_ms: r.try_get("response_ms")?,
            response_body: r.try_get("response_body")?,
            error: r.try_get("error")?,
            next_retry_at: r.try_get("next_retry_at")?,
        };
        if let Some(d) = deliveries.iter_mut().find(|d| d.id == delivery_id) {
            d.attempts.push(attempt);
        }
    }
    Ok(deliveries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn an_endpoint_names_known_events_once_each() {
        let new = NewEndpoint::parse(
            "https://crm.example.com/hooks",
            " CRM ",
            &events(&["story.logged", "incident.opened", "story.logged"]),
            true,
        )
        .unwrap();
        assert_eq!(
            new.events,
            vec![EventType::IncidentOpened, EventType::StoryLogged]
        );
        assert_eq!(new.description, "CRM");
    }

    #[test]
    fn unknown_events_are_refused_by_name() {
        let err = NewEndpoint::parse(
            "https://crm.example.com/hooks",
            "",
            &events(&["incident.opened", "incident.closed", "order.placed"]),
            true,
        )
        .unwrap_err();
        let message = err.field_message("events").unwrap();
        assert!(
            message.contains("incident.closed, order.placed"),
            "{message}"
        );
        assert_eq!(err.status(), 422);
    }

    #[test]
    fn an_endpoint_needs_an_http_url_and_at_least_one_event() {
        let err = NewEndpoint::parse("ftp://x.example/", "", &[], true).unwrap_err();
        assert!(err.field_message("url").is_some());
        assert!(err.field_message("events").is_some());
    }
}
