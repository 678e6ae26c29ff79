//! `POST /api/v1/signals`: a batch of up to 1,000 service-quality signals.
use super::{actor, read_batch};
use app::admin::tokens::queries::ApiClient;
use app::signals::ingest::{ingest as store, ItemResult};
use app::signals::input::parse_item;
use app::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;

#[derive(Serialize)]
pub struct BatchResponse {
    pub items: Vec<ItemResult>,
}

/// Stores a batch of up to 1,000 signals and acts on them through the detection rules.
#[utoipa::path(
    post,
    path = "/api/v1/signals",
    tag = "signals",
    request_body(content = Vec<super::openapi::SignalIn>, description = "1 to 1,000 signals"),
    responses(
        (status = 200, description = "Per signal: stored or duplicate, and the incident it opened or joined", body = super::openapi::BatchResult),
        (status = 400, description = "The batch was refused whole; nothing was stored", body = super::openapi::ApiError),
        (status = 401, description = "Missing, unknown or revoked token", body = super::openapi::ApiError),
    )
)]
pub async fn ingest(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    body: Bytes,
) -> Response {
    let now = app::db::now_ms();
    let signals = match read_batch(&body, "signals", |item| parse_item(item, now)) {
        Ok(s) => s,
        Err(refusal) => return *refusal,
    };
    match store(&state.db, signals, &actor(&client)).await {
        Ok(items) => Json(BatchResponse { items }).into_response(),
        Err(e) => e.into_response(),
    }
}
