//! `GET /api/v1/stories`: the story library with its page's filters, paginated.
use app::error::{AppError, ErrorBody};
use app::state::AppState;
use app::stories::queries::library::{self, StoryQuery};
use app::stories::StoryPage;
use axum::extract::{Query, State};
use axum::Json;

/// Stories, newest first (or most kudos first), with the library's filters.
#[utoipa::path(
    get,
    path = "/api/v1/stories",
    tag = "stories",
    params(
        ("q" = Option<String>, Query, description = "words in the story, its associate's or customer's name or a tag"),
        ("kind" = Option<String>, Query, description = "what sort of extra mile it was"),
        ("tag" = Option<String>, Query, description = "tag"),
        ("associate" = Option<i64>, Query, description = "told by this staff id"),
        ("customer" = Option<i64>, Query, description = "customer id"),
        ("week" = Option<String>, Query, description = "ISO week it happened, e.g. 2026-W47"),
        ("team" = Option<i64>, Query, description = "told by a current member of this team"),
        ("spotlight" = Option<bool>, Query, description = "only spotlighted stories"),
        ("spotlight_week" = Option<String>, Query, description = "spotlighted in this ISO week"),
        ("kudos_week" = Option<String>, Query, description = "given kudos in this ISO week; each story's kudos then counts only those"),
        ("sort" = Option<String>, Query, description = "newest (default) or kudos"),
        ("page" = Option<i64>, Query, description = "page number, 20 per page"),
    ),
    responses(
        (status = 200, description = "One page of stories and how many match", body = StoryPage),
        (status = 400, description = "A parameter is not valid", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    query: Result<Query<StoryQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<StoryPage>, AppError> {
    let filter = super::query(query)?
        .filter(&state.db)
        .await
        .map_err(super::as_request)?;
    Ok(Json(library::page(&state.db, &filter).await?))
}
