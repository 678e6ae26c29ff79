//! `GET /api/v1/follow-ups`: a queue with the filters a report's figure opens it with.
use app::error::{AppError, ErrorBody};
use app::feedback::queue::{self, FollowUpQuery, Looker, Queue};
use app::feedback::FollowUpQueue;
use app::org::visibility::Reach;
use app::state::AppState;
use axum::extract::{Query, State};
use axum::Json;

/// Follow-ups of a queue, narrowed by the filters; a token sees the whole organisation.
#[utoipa::path(
    get,
    path = "/api/v1/follow-ups",
    tag = "feedback",
    params(
        ("queue" = Option<String>, Query, description = "team (open), overdue, today, closed or all (the default)"),
        ("closed_week" = Option<String>, Query, description = "ISO week closed, e.g. 2026-W47"),
        ("overdue_week" = Option<String>, Query, description = "overdue at the end of this ISO week (or now, while it runs)"),
        ("due" = Option<String>, Query, description = "on_time (closed by its due time) or late"),
        ("outcome" = Option<String>, Query, description = "problem_found, genuinely_fine or unreachable"),
        ("assessment" = Option<String>, Query, description = "lukewarm or unhappy"),
        ("reached" = Option<bool>, Query, description = "closed having reached the customer (any outcome but unreachable)"),
        ("assignee" = Option<i64>, Query, description = "staff id"),
        ("team" = Option<i64>, Query, description = "assigned to a current member of this team"),
        ("page" = Option<i64>, Query, description = "page number, 25 per page"),
    ),
    responses(
        (status = 200, description = "One page of follow-ups, how many match and the open queues' sizes", body = FollowUpQueue),
        (status = 400, description = "A parameter is not valid", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    query: Result<Query<FollowUpQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<FollowUpQueue>, AppError> {
    let query = super::query(query)?;
    if query.queue.trim() == "mine" {
        return Err(AppError::Request(
            "queue: a token has no queue of its own; choose team, overdue, today, closed or all."
                .into(),
        ));
    }
    let page = query.page.unwrap_or(1);
    let (queue, filter) = query
        .read(&state.db, Queue::All)
        .await
        .map_err(super::as_request)?;
    let who = Looker {
        viewer: 0,
        reach: Reach::Everyone,
    };
    Ok(Json(
        queue::queue(&state.db, queue, &filter, who, page).await?,
    ))
}
