//! `GET /api/v1/incidents` (the list's filters, paginated) and `GET /api/v1/incidents/{id}`.
use app::error::{AppError, ErrorBody};
use app::incidents::queries::{self, IncidentFilter};
use app::incidents::{
    IncidentPage, IncidentRow, Notice, RecoveryAction, Severity, Source, Status, TimelineEvent,
};
use app::org::clock::optional_week;
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};

/// Query parameters of the incidents list; every one optional.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub status: Option<String>,
    pub category: Option<i64>,
    pub severity: Option<String>,
    pub source: Option<String>,
    pub assignee: Option<i64>,
    pub customer: Option<i64>,
    pub week: Option<String>,
    pub resolved_week: Option<String>,
    pub spend_week: Option<String>,
    pub currency: Option<String>,
    pub team: Option<i64>,
    pub overdue: Option<bool>,
    pub proactive: Option<bool>,
    pub q: Option<String>,
    pub sort: Option<String>,
    pub page: Option<i64>,
}

fn parse_enum<T>(
    value: Option<String>,
    parse: fn(&str) -> Option<T>,
    field: &str,
) -> Result<Option<T>, String> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => parse(&v)
            .map(Some)
            .ok_or_else(|| format!("'{v}' is not a valid {field}")),
    }
}

fn filter(q: ListQuery, tz: chrono_tz::Tz) -> Result<IncidentFilter, String> {
    Ok(IncidentFilter {
        status: parse_enum(q.status, Status::parse, "status")?,
        category_id: q.category,
        severity: parse_enum(q.severity, Severity::parse, "severity")?,
        source: parse_enum(q.source, Source::parse, "source")?,
        assignee_id: q.assignee,
        customer_id: q.customer,
        week: optional_week(tz, &q.week.unwrap_or_default())?,
        resolved_week: optional_week(tz, &q.resolved_week.unwrap_or_default())?,
        spend_week: optional_week(tz, &q.spend_week.unwrap_or_default())?,
        currency: app::common::money::optional_currency(&q.currency.unwrap_or_default())?,
        team_id: q.team,
        overdue: q.overdue.unwrap_or(false),
        proactive: q.proactive.unwrap_or(false),
        q: q.q.unwrap_or_default(),
        sort: q.sort.unwrap_or_default(),
        page: q.page.unwrap_or(1),
    })
}

/// Incidents, newest first, with the list page's filters.
#[utoipa::path(
    get,
    path = "/api/v1/incidents",
    tag = "incidents",
    params(
        ("status" = Option<String>, Query, description = "open, recovering or resolved"),
        ("category" = Option<i64>, Query, description = "category id"),
        ("severity" = Option<String>, Query, description = "minor, major or critical"),
        ("source" = Option<String>, Query, description = "complaint, staff or signal"),
        ("assignee" = Option<i64>, Query, description = "staff id"),
        ("customer" = Option<i64>, Query, description = "customer id"),
        ("week" = Option<String>, Query, description = "ISO week of detection, e.g. 2026-W47"),
        ("resolved_week" = Option<String>, Query, description = "ISO week of resolution"),
        ("spend_week" = Option<String>, Query, description = "ISO week in which recovery money was applied"),
        ("currency" = Option<String>, Query, description = "with recovery money applied in this currency (ISO 4217)"),
        ("team" = Option<i64>, Query, description = "assigned to a current member of this team"),
        ("overdue" = Option<bool>, Query, description = "only incidents past their service level"),
        ("proactive" = Option<bool>, Query, description = "only incidents detected before any complaint"),
        ("q" = Option<String>, Query, description = "text in description, subject or customer name"),
        ("sort" = Option<String>, Query, description = "newest (default), oldest, severity or customer"),
        ("page" = Option<i64>, Query, description = "page number, 25 per page"),
    ),
    responses(
        (status = 200, description = "One page of incidents", body = app::incidents::IncidentPage),
        (status = 400, description = "A parameter is not valid", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<IncidentPage>, AppError> {
    let query = super::query(query)?;
    let tz = app::org::clock::time_zone(&state.db).await?;
    let filter = filter(query, tz).map_err(AppError::Request)?;
    Ok(Json(queries::list(&state.db, &filter).await?))
}

/// One incident with what was done, what the customer was told, and its timeline.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiIncident {
    #[serde(flatten)]
    pub incident: IncidentRow,
    pub occurred_at: i64,
    pub complained_at: Option<i64>,
    pub root_cause: Option<String>,
    pub no_action_reason: Option<String>,
    pub actions: Vec<RecoveryAction>,
    pub notices: Vec<Notice>,
    pub timeline: Vec<TimelineEvent>,
    pub signals: Vec<app::incidents::IncidentSignal>,
}

/// One incident with its recovery actions, notices and timeline.
#[utoipa::path(
    get,
    path = "/api/v1/incidents/{id}",
    tag = "incidents",
    params(("id" = i64, Path, description = "incident id")),
    responses(
        (status = 200, description = "The incident", body = ApiIncident),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 404, description = "No such incident", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ApiIncident>, AppError> {
    let d = queries::detail(&state.db, super::path_id(&id, "incident")?, false).await?;
    Ok(Json(ApiIncident {
        incident: d.incident,
        occurred_at: d.occurred_at,
        complained_at: d.complained_at,
        root_cause: d.root_cause,
        no_action_reason: d.no_action_reason,
        actions: d.actions,
        notices: d.notices,
        timeline: d.timeline,
        signals: d.signals,
    }))
}
