//! `/api/v1/webhooks`: add, list and delete webhook endpoints and read their delivery attempts.
//! Admin-level, as Admin → Webhooks is: open to tokens made by a staff member who is an admin
//! now.
use super::{actor, admin_token, path_id};
use app::admin::tokens::queries::ApiClient;
use app::error::{AppError, ErrorBody};
use app::state::AppState;
use app::webhooks::api::{self, DeliveryAttempts, NewWebhook, Webhook, WebhookCreated};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};

/// Adds an endpoint for the events named; the answer carries its signing secret, shown this
/// once.
#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    request_body(content = NewWebhook, description = "The endpoint's url, events and description"),
    responses(
        (status = 201, description = "The endpoint, with its signing secret", body = WebhookCreated),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "A read-only token, or one whose maker is not an admin", body = ErrorBody),
        (status = 422, description = "A field is not valid: the url (not http/https, or on a private address), or events no one knows, named", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    body: Bytes,
) -> Result<(StatusCode, Json<WebhookCreated>), AppError> {
    admin_token(&state, &client).await?;
    let created = api::create(
        &state.db,
        &body,
        state.settings.webhooks_allow_private,
        &actor(&client),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Every webhook endpoint (never their secrets).
#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    responses(
        (status = 200, description = "The endpoints", body = Vec<Webhook>),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The token's maker is not an admin", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
) -> Result<Json<Vec<Webhook>>, AppError> {
    admin_token(&state, &client).await?;
    Ok(Json(api::list(&state.db).await?))
}

/// Deletes an endpoint with its pending deliveries and its log.
#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    params(("id" = i64, Path, description = "endpoint id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "A read-only token, or one whose maker is not an admin", body = ErrorBody),
        (status = 404, description = "No such endpoint", body = ErrorBody),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    admin_token(&state, &client).await?;
    let id = path_id(&id, "webhook")?;
    api::delete(&state.db, id, &actor(&client)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every attempt at the endpoint's latest 100 deliveries, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}/deliveries",
    tag = "webhooks",
    params(("id" = i64, Path, description = "endpoint id")),
    responses(
        (status = 200, description = "The attempts", body = DeliveryAttempts),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The token's maker is not an admin", body = ErrorBody),
        (status = 404, description = "No such endpoint", body = ErrorBody),
    )
)]
pub async fn deliveries(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    Path(id): Path<String>,
) -> Result<Json<DeliveryAttempts>, AppError> {
    admin_token(&state, &client).await?;
    let id = path_id(&id, "webhook")?;
    Ok(Json(api::attempts(&state.db, id).await?))
}
