//! `GET /api/v1/recoveries`: return on recovery for a period and scope, with the recoveries
//! behind it, as the weekly report's figure counts them.
use app::error::{AppError, ErrorBody};
use app::loyalty::{recovery_return, RecoveryOverview};
use app::state::AppState;
use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RecoveriesQuery {
    pub period: String,
    pub assignee: String,
    pub team: String,
    pub page: Option<i64>,
}

/// Paid recoveries (money applied to put an incident right) in a period, latest first, with
/// what followed them; `figures` covers every one of them, `items` one page.
#[utoipa::path(
    get,
    path = "/api/v1/recoveries",
    tag = "loyalty",
    params(
        ("period" = Option<String>, Query, description = "90d, 12m (default) or all, ending now; or an ISO week such as 2026-W47 for the 52 weeks ending with it"),
        ("assignee" = Option<i64>, Query, description = "recoveries of incidents assigned to this staff id"),
        ("team" = Option<i64>, Query, description = "recoveries of incidents assigned to a current member of this team"),
        ("page" = Option<i64>, Query, description = "page number, 25 per page"),
    ),
    responses(
        (status = 200, description = "The figures and one page of the recoveries behind them", body = RecoveryOverview),
        (status = 400, description = "A parameter is not valid", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    query: Result<Query<RecoveriesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<RecoveryOverview>, AppError> {
    let q = super::query(query)?;
    let scope = recovery_return::staff_scope(&q.assignee, &q.team).map_err(super::as_request)?;
    let page = q.page.unwrap_or(1);
    let overview = recovery_return::overview(&state.db, &q.period, scope, page, app::db::now_ms())
        .await
        .map_err(super::as_request)?;
    Ok(Json(overview))
}
