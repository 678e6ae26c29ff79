//! `POST /api/v1/feedback` for survey tools and `GET /api/v1/feedback/{id}`.
use super::{actor, error, read_batch, refused};
use app::admin::tokens::queries::ApiClient;
use app::feedback::fields::FeedbackIn;
use app::feedback::ingest::{self, FeedbackResult};
use app::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct FeedbackBatchResult {
    pub items: Vec<FeedbackResult>,
}

/// One answer from a survey tool.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct FeedbackItem {
    /// Unique per answer at the sender; re-sending the same key changes nothing.
    #[schema(example = "svy-5521")]
    idempotency_key: String,
    /// The customer's external reference or email (the customer must exist).
    #[schema(example = "c-1001")]
    customer: String,
    /// "nps" (0–10), "csat" (1–5) or "ces" (1–7, 7 = very easy).
    #[schema(example = "nps")]
    score_type: String,
    #[schema(example = 7)]
    score: i64,
    #[schema(example = "Good.")]
    comment: Option<String>,
    /// survey (default), phone, in_person, email, chat or portal.
    #[schema(example = "survey")]
    channel: Option<String>,
    /// When the customer answered; defaults to now.
    #[schema(example = "2026-11-20T09:00:00Z", format = DateTime)]
    received_at: Option<String>,
    /// An incident of this customer's that the answer is about.
    incident: Option<i64>,
    /// An order reference.
    order: Option<String>,
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
        (status = 400, description = "The batch was refused whole; nothing was stored", body = super::openapi::ApiError),
        (status = 401, description = "Missing, unknown or revoked token", body = super::openapi::ApiError),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    body: Bytes,
) -> Response {
    let now = app::db::now_ms();
    let items = match read_batch(&body, "answers", |item| FeedbackIn::from_json(item, now)) {
        Ok(items) => items,
        Err(refusal) => return *refusal,
    };
    let count = items.len();
    match ingest::ingest(&state.db, items, &actor(&client)).await {
        Ok(Ok(items)) => Json(FeedbackBatchResult { items }).into_response(),
        Ok(Err(problems)) => refused("answers", count, problems),
        Err(e) => e.into_response(),
    }
}

/// One answer with its assessment, reasons and follow-up.
#[utoipa::path(
    get,
    path = "/api/v1/feedback/{id}",
    tag = "feedback",
    params(("id" = i64, Path, description = "feedback id")),
    responses(
        (status = 200, description = "The answer", body = FeedbackResult),
        (status = 404, description = "No such feedback", body = super::openapi::ApiError),
        (status = 401, description = "Missing, unknown or revoked token", body = super::openapi::ApiError),
    )
)]
pub async fn get(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return error(
            StatusCode::BAD_REQUEST,
            "The feedback id must be a number.",
            None,
        );
    };
    match ingest::find(&state.db, id).await {
        Ok(f) => Json(f).into_response(),
        Err(e) => e.into_response(),
    }
}
