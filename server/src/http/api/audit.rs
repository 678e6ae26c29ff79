//! `GET /api/v1/audit`: the audit log with the admin page's filters, newest first, one page per
//! call with the cursor of the next. Open to tokens made by a staff member who is an admin now.
use app::admin::audit::filter::{AuditFilter, FilterInput};
use app::admin::audit::{queries, AuditEntry};
use app::admin::tokens::queries::{made_by_admin, ApiClient};
use app::error::{AppError, ErrorBody};
use app::state::AppState;
use axum::extract::{Query, State};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

/// Query parameters of the audit log; every one optional.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<String>,
}

impl AuditQuery {
    /// The filters as the page's form would send them.
    pub fn input(&self) -> FilterInput<'_> {
        fn s(v: &Option<String>) -> &str {
            v.as_deref().unwrap_or("")
        }
        FilterInput {
            actor: s(&self.actor),
            action: s(&self.action),
            entity: s(&self.entity),
            entity_id: s(&self.entity_id),
            from: s(&self.from),
            to: s(&self.to),
            cursor: s(&self.cursor),
            limit: s(&self.limit),
        }
    }
}

/// One page of audit entries.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditList {
    pub items: Vec<AuditEntry>,
    /// Send it back as `cursor` for the next (older) page; `null` on the last.
    pub next: Option<String>,
}

/// Audit entries, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "audit",
    params(
        ("actor" = Option<String>, Query, description = "who: a staff id, or staff:ID, customer:ID, api_token:ID, or a kind alone (staff, customer, api_token, system, anonymous)"),
        ("action" = Option<String>, Query, description = "what was done, e.g. incident.opened"),
        ("entity" = Option<String>, Query, description = "record type, e.g. incident, customer, story"),
        ("entity_id" = Option<String>, Query, description = "record id (with entity)"),
        ("from" = Option<String>, Query, description = "from this day (2026-11-20, in the organisation's time zone) or RFC 3339 moment"),
        ("to" = Option<String>, Query, description = "up to the end of this day, or up to this RFC 3339 moment"),
        ("cursor" = Option<String>, Query, description = "the `next` of the previous page"),
        ("limit" = Option<i64>, Query, description = "entries per page, 1 to 500 (default 50)"),
    ),
    responses(
        (status = 200, description = "One page of entries", body = AuditList),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The token's maker is not an admin", body = ErrorBody),
        (status = 422, description = "A filter, the cursor or the limit is not valid", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<AuditList>, AppError> {
    if !made_by_admin(&state.db, client.token_id).await? {
        return Err(AppError::Forbidden);
    }
    let query = super::query(query)?;
    let tz = app::org::clock::time_zone(&state.db).await?;
    let filter = AuditFilter::parse(&query.input(), tz)?;
    let (items, next) = queries::page(&state.db, &filter).await?;
    Ok(Json(AuditList { items, next }))
}
