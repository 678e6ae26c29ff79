//! `POST /api/v1/feedback` for survey tools, `GET /api/v1/feedback` (the list's filters,
//! paginated) and `GET /api/v1/feedback/{id}`.
use super::{actor, path_id, read_batch};
use app::admin::tokens::queries::ApiClient;
use app::error::{AppError, ErrorBody};
use app::feedback::ingest::{self, FeedbackResult};
use app::feedback::queries::FeedbackQuery;
use app::feedback::request::{self, FeedbackItem};
use app::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
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

/// Answers, newest first, with the feedback list page's filters.
#[utoipa::path(
    get,
    path = "/api/v1/feedback",
    tag = "feedback",
    params(
        ("assessment" = Option<String>, Query, description = "fine, lukewarm or unhappy"),
        ("score_type" = Option<String>, Query, description = "nps, csat or ces"),
        ("channel" = Option<String>, Query, description = "how the answer came in"),
        ("customer" = Option<i64>, Query, description = "customer id"),
        ("week" = Option<String>, Query, description = "ISO week received, e.g. 2026-W47"),
        ("assignee" = Option<i64>, Query, description = "owned by this staff id: who followed it up, else who had its incident"),
        ("team" = Option<i64>, Query, description = "owned by a current member of this team"),
        ("q" = Option<String>, Query, description = "text in the comment or the customer's name"),
        ("page" = Option<i64>, Query, description = "page number, 25 per page"),
    ),
    responses(
        (status = 200, description = "One page of answers and how many match", body = app::feedback::FeedbackPage),
        (status = 400, description = "A parameter is not valid", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    query: Result<Query<FeedbackQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<app::feedback::FeedbackPage>, AppError> {
    let filter = super::query(query)?
        .filter(&state.db)
        .await
        .map_err(super::as_request)?;
    Ok(Json(
        app::feedback::queries::page(&state.db, &filter).await?,
    ))
}
