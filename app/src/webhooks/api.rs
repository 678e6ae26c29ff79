//! Webhook endpoints over the JSON API (`/api/v1/webhooks`): the request and answer shapes and
//! what each route does; the handlers only authorize and call these.
use super::endpoints::{self, NewEndpoint};
use super::payloads::rfc3339;
use super::Endpoint;
use crate::audit::Actor;
use crate::db::Db;
use crate::error::{AppError, FieldError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A new endpoint.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewWebhook {
    /// Where events are POSTed: http or https, on a public address.
    #[schema(example = "https://crm.example.com/hooks/extramile")]
    pub url: Option<String>,
    /// The events to send it, e.g. `["incident.opened", "feedback.received"]`.
    pub events: Option<Vec<String>>,
    /// What it is for.
    #[schema(example = "CRM")]
    pub description: Option<String>,
    /// Whether it receives events at once (default true).
    pub enabled: Option<bool>,
}

/// An endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub description: String,
    pub enabled: bool,
    /// Since when deliveries to it have been given up on (RFC 3339), while none has succeeded
    /// since; null when it is healthy.
    pub failing_since: Option<String>,
}

/// An endpoint just created, with its signing secret: the only time the secret is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookCreated {
    pub id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub description: String,
    pub enabled: bool,
    /// The signing secret, `whsec_` and base64: verify each delivery's `webhook-signature`
    /// with it (Standard Webhooks).
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

/// One attempt at delivering one event.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryAttempt {
    /// The event's id: the `webhook-id` header the endpoint received.
    #[schema(example = "msg_2V1hE8oX0a9kLm3QwErTyUiO")]
    pub event_id: String,
    /// The event's name, e.g. `incident.opened` or `webhook.test`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// 1 for the first attempt of a delivery.
    pub attempt: i64,
    /// The HTTP status the endpoint answered; null when it could not be reached.
    pub status: Option<i64>,
    /// When the attempt was made, RFC 3339.
    pub at: String,
    pub delivery_id: i64,
    /// Where the delivery stands: pending, delivered or failed (given up).
    pub delivery_status: String,
    pub response_ms: i64,
    /// The first 1 KB of the response body.
    pub response_body: Option<String>,
    pub error: Option<String>,
    /// When it will be tried again (RFC 3339); null when it succeeded or was given up.
    pub next_retry_at: Option<String>,
}

/// The attempts at delivering to one endpoint, newest delivery first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryAttempts {
    pub items: Vec<DeliveryAttempt>,
}

fn webhook(e: Endpoint) -> Webhook {
    Webhook {
        id: e.id,
        url: e.url,
        events: e.events,
        description: e.description,
        enabled: e.enabled,
        failing_since: e.failing_since.map(rfc3339),
    }
}

/// Reads and adds an endpoint; unknown event names are refused (422) by name.
pub async fn create(
    db: &Db,
    body: &[u8],
    allow_private: bool,
    actor: &Actor,
) -> Result<WebhookCreated, AppError> {
    let value = crate::common::batch::json(body)?;
    let (read, problems) = crate::common::batch::read_item::<NewWebhook>(&value)
        .map_err(|problems| AppError::fields(field_errors(problems)))?;
    if !problems.is_empty() {
        return Err(AppError::fields(field_errors(problems)));
    }
    let url = read
        .url
        .ok_or_else(|| AppError::field("url", "The endpoint's url is required."))?;
    let new = NewEndpoint::parse(
        &url,
        read.description.as_deref().unwrap_or_default(),
        &read.events.unwrap_or_default(),
        read.enabled.unwrap_or(true),
    )?;
    let (e, secret) = endpoints::create(db, new, allow_private, None, actor).await?;
    Ok(WebhookCreated {
        id: e.id,
        url: e.url,
        events: e.events,
        description: e.description,
        enabled: e.enabled,
        secret,
    })
}

fn field_errors(problems: Vec<(String, String)>) -> Vec<FieldError> {
    problems
        .into_iter()
        .map(|(field, message)| FieldError::new(&field, message))
        .collect()
}

pub async fn list(db: &Db) -> Result<Vec<Webhook>, AppError> {
    Ok(endpoints::list(db)
        .await?
        .into_iter()
        .map(webhook)
        .collect())
}

pub async fn delete(db: &Db, id: i64, actor: &Actor) -> Result<(), AppError> {
    endpoints::delete(db, id, actor).await
}

/// Every attempt at the endpoint's latest deliveries; an unknown endpoint is not found.
pub async fn attempts(db: &Db, id: i64) -> Result<DeliveryAttempts, AppError> {
    endpoints::find(db, id).await?;
    let mut items = Vec::new();
    for d in endpoints::deliveries(db, id).await? {
        for a in d.attempts.into_iter().rev() {
            items.push(DeliveryAttempt {
                event_id: d.message_id.clone(),
                event_type: d.event_type.clone(),
                attempt: a.attempt,
                status: a.status_code,
                at: rfc3339(a.at),
                delivery_id: d.id,
                delivery_status: d.status.clone(),
                response_ms: a.response_ms,
                response_body: a.response_body,
                error: a.error,
                next_retry_at: a.next_retry_at.map(rfc3339),
            });
        }
    }
    Ok(DeliveryAttempts { items })
}
