//! `GET /api/v1/reports/weekly`: the weekly report's figures as JSON, the same the dashboard
//! shows and exports.
use app::error::{AppError, ErrorBody};
use app::org::scope::StaffScope;
use app::reports::{Figure, List, TrendWeek, WeeklyReport};
use app::state::AppState;
use axum::extract::{Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Default)]
pub struct WeeklyQuery {
    #[serde(default)]
    week: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    associate: String,
}

/// Who the figures are about.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiScope {
    /// "organisation", "team" or "associate".
    #[schema(example = "team")]
    kind: String,
    id: Option<i64>,
    #[schema(example = "Team Front desk")]
    name: String,
}

/// The weekly report: every figure with the week before and the change, and a 12-week trend.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiWeeklyReport {
    #[schema(example = "2026-W47")]
    week: String,
    #[schema(example = "2026-W46")]
    previous_week: String,
    /// The week's start and end (epoch ms) in the organisation's time zone.
    from: i64,
    to: i64,
    scope: ApiScope,
    /// The currency of money figures (in minor units).
    #[schema(example = "USD")]
    currency: String,
    figures: Vec<Figure>,
    trend_keys: Vec<String>,
    trend: Vec<TrendWeek>,
    /// At-risk customers, overdue follow-ups, approvals waiting, spotlight stories and
    /// associates without a story: the first rows of each and their totals.
    lists: Vec<List>,
}

impl From<WeeklyReport> for ApiWeeklyReport {
    fn from(r: WeeklyReport) -> Self {
        let (kind, id) = match r.scope {
            StaffScope::Organisation => ("organisation", None),
            StaffScope::Team(t) => ("team", Some(t)),
            StaffScope::Associate(a) => ("associate", Some(a)),
        };
        Self {
            week: r.week,
            previous_week: r.previous_week,
            from: r.from,
            to: r.to,
            scope: ApiScope {
                kind: kind.into(),
                id,
                name: r.scope_name,
            },
            currency: r.currency,
            figures: r.figures,
            trend_keys: r.trend_keys,
            trend: r.trend,
            lists: r.lists.lists,
        }
    }
}

/// The weekly figures for an ISO week (default: the last complete week in the organisation's
/// time zone), for the organisation, a team or an associate.
#[utoipa::path(get, path = "/api/v1/reports/weekly", tag = "reports",
    params(
        ("week" = Option<String>, Query, description = "ISO week such as 2026-W47; default the last complete week"),
        ("team" = Option<i64>, Query, description = "a team's id: figures for its members"),
        ("associate" = Option<i64>, Query, description = "a staff member's id: figures for them"),
    ),
    responses(
        (status = 200, description = "The week's figures", body = ApiWeeklyReport),
        (status = 400, description = "A parameter is not valid", body = ErrorBody),
        (status = 404, description = "No such team or staff member", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
    ))]
pub async fn weekly(
    State(state): State<AppState>,
    query: Result<Query<WeeklyQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ApiWeeklyReport>, AppError> {
    let q = super::query(query)?;
    let scope = StaffScope::parse(&q.team, &q.associate).map_err(AppError::Request)?;
    match app::reports::weekly::report(&state.db, &q.week, scope, app::db::now_ms()).await {
        Ok(report) => Ok(Json(ApiWeeklyReport::from(report))),
        // A week typed wrong is a bad query string here, not a form field to highlight.
        Err(AppError::Validation { fields, .. }) => Err(AppError::Request(
            fields
                .first()
                .map(|f| format!("{}: {}", f.field, f.message))
                .unwrap_or_default(),
        )),
        Err(e) => Err(e),
    }
}
