//! `POST /api/v1/feedback` for survey tools and `GET /api/v1/feedback/{id}`.
use super::{actor, path_id, read_batch};
use app::admin::tokens::queries::ApiClient;
use app::error::{AppError, ErrorBody};
use app::feedback::ingest::{self, FeedbackResult};
use app::feedback::request::{self, FeedbackItem};
use app::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::{Extension, Json};
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct FeedbackBatchResult {
    pub items: Vec<FeedbackResult>,
}

/// Stores a batch of up to 1,000 answers; each is assessed and, when lukewarm or unhappy,
/// opens a follow-up.
#[utoipa::path(
    post,
    path = "/api/v1/feedback",
    tag = "feedback",
    request_body(content = Vec<FeedbackItem>, description = "1 to 1,000 answers"),
    responses(
        (status = 200, description = "Per answer: its id, assessment, reasons and the follow-up it opened", body = FeedbackBatchResult),
        (status = 400, description = "The batch was refused whole (an unknown customer, a score outside its scale…); nothing was stored", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "A read-only token", body = ErrorBody),
        (status = 413, description = "The body is larger than 1 MiB"),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    body: Bytes,
) -> Result<Json<FeedbackBatchResult>, AppError> {
    let now = app::db::now_ms();
    let items = read_batch(&body, "answers", |item| request::parse(item, now))?;
    let items = ingest::ingest(&state.db, items, &actor(&client)).await?;
    Ok(Json(FeedbackBatchResult { items }))
}

/// One answer with its assessment, reasons and follow-up.
#[utoipa::path(
    get,
    path = "/api/v1/feedback/{id}",
    tag = "feedback",
    params(("id" = i64, Path, description = "feedback id")),
    responses(
        (status = 200, description = "The answer", body = FeedbackResult),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 404, description = "No such feedback", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<FeedbackResult>, AppError> {
    let id = path_id(&id, "feedback")?;
    Ok(Json(ingest::find(&state.db, id).await?))
}
