//! `POST /api/v1/signals`: a batch of up to 1,000 service-quality signals.
use super::{actor, read_batch};
use app::admin::tokens::queries::ApiClient;
use app::error::{AppError, ErrorBody};
use app::signals::batch::{parse_item, SignalItem};
use app::signals::ingest::{ingest as store, ItemResult};
use app::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::{Extension, Json};
use serde::Serialize;

/// The result of a stored batch, one item per signal in order.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SignalBatchResult {
    pub items: Vec<ItemResult>,
}

/// Stores a batch of up to 1,000 signals and acts on them through the detection rules.
#[utoipa::path(
    post,
    path = "/api/v1/signals",
    tag = "signals",
    request_body(content = Vec<SignalItem>, description = "1 to 1,000 signals"),
    responses(
        (status = 200, description = "Per signal: stored or duplicate, and the incident it opened or joined", body = SignalBatchResult),
        (status = 400, description = "The batch was refused whole; nothing was stored", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "A read-only token", body = ErrorBody),
        (status = 413, description = "The body is larger than 1 MiB"),
    )
)]
pub async fn ingest(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    body: Bytes,
) -> Result<Json<SignalBatchResult>, AppError> {
    let now = app::db::now_ms();
    let signals = read_batch(&body, "signals", |item| parse_item(item, now))?;
    let items = store(&state.db, signals, &actor(&client)).await?;
    Ok(Json(SignalBatchResult { items }))
}
