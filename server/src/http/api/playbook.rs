//! `GET /api/v1/playbook`: recoveries compared by what followed them, as the Playbook page
//! shows them.
use app::error::{AppError, ErrorBody};
use app::playbook::Playbook;
use app::state::AppState;
use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PlaybookQuery {
    pub category: String,
    pub severity: String,
}

/// For an incident category (and severity), recoveries compared by the share of customers who
/// ordered again, referred someone, posted, or answered the next NPS survey as promoters in the
/// 90 days after the first action; by action kind, amount, time to first action and proactive
/// versus complained, each cell with its count and 95% Wilson interval (hidden below 10 cases).
/// Association, not proof.
#[utoipa::path(
    get,
    path = "/api/v1/playbook",
    tag = "playbook",
    params(
        ("category" = Option<String>, Query, description = "incident category id or name (default: all)"),
        ("severity" = Option<String>, Query, description = "minor, major or critical (default: all)"),
    ),
    responses(
        (status = 200, description = "The comparison", body = Playbook),
        (status = 400, description = "A parameter is not valid", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    query: Result<Query<PlaybookQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Playbook>, AppError> {
    let q = super::query(query)?;
    let filter = app::playbook::cases::Filter::parse(&state.db, &q.category, &q.severity)
        .await
        .map_err(super::as_request)?;
    let book = app::playbook::cases::playbook(&state.db, &filter, app::db::now_ms())
        .await
        .map_err(super::as_request)?;
    Ok(Json(book))
}
