//! `GET /api/v1/notifications`, `POST /api/v1/notifications/{id}/read` and
//! `POST /api/v1/notifications/read-all`: the notifications of the staff member who created
//! the calling token, and only theirs: another person's notification is not found.
use app::admin::tokens::queries::ApiClient;
use app::error::{AppError, ErrorBody};
use app::notifications::{queries, NotificationPage};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub page: Option<i64>,
}

/// A notification marked read, and the record it points to.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Opened {
    pub id: i64,
    /// The path of the record, e.g. `/incidents/12`.
    #[schema(example = "/incidents/12")]
    pub link: String,
}

/// How many notifications were marked read.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MarkedRead {
    pub marked: u64,
}

/// The staff member a token acts for: the one who created it.
async fn caller(state: &AppState, client: &ApiClient) -> Result<i64, AppError> {
    let owner: Option<i64> = sqlx::query_scalar(
        "SELECT t.created_by FROM api_tokens t JOIN staff_users u ON u.id = t.created_by
         WHERE t.id = $1 AND u.active = 1",
    )
    .bind(client.token_id)
    .fetch_optional(&state.db)
    .await?;
    owner.ok_or(AppError::Forbidden)
}

/// The caller's notifications, newest first, 20 a page, with their unread count.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    params(("page" = Option<i64>, Query, description = "page number, 20 per page")),
    responses(
        (status = 200, description = "A page of the caller's notifications", body = NotificationPage),
        (status = 400, description = "A parameter is not valid", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The token belongs to no active staff member", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<NotificationPage>, AppError> {
    let q = super::query(query)?;
    let staff = caller(&state, &client).await?;
    Ok(Json(
        queries::list(&state.db, staff, q.page.unwrap_or(1)).await?,
    ))
}

/// Marks one of the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications",
    params(("id" = i64, Path, description = "notification id")),
    responses(
        (status = 200, description = "Marked read", body = Opened),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 404, description = "No such notification of the caller's", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The token belongs to no active staff member, or is read-only", body = ErrorBody),
    ))]
pub async fn read(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    Path(id): Path<String>,
) -> Result<Json<Opened>, AppError> {
    let id = super::path_id(&id, "notification")?;
    let staff = caller(&state, &client).await?;
    let link = queries::open(&state.db, staff, id).await?;
    Ok(Json(Opened { id, link }))
}

/// Marks all of the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read-all", tag = "notifications",
    responses(
        (status = 200, description = "How many were marked read", body = MarkedRead),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The token belongs to no active staff member, or is read-only", body = ErrorBody),
    ))]
pub async fn read_all(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
) -> Result<Json<MarkedRead>, AppError> {
    let staff = caller(&state, &client).await?;
    Ok(Json(MarkedRead {
        marked: queries::read_all(&state.db, staff).await?,
    }))
}
