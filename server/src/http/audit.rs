//! `GET /admin/audit.csv`: the audit log with the filters in view, as a CSV file streamed a page
//! at a time through the log's cursor, so an export of millions of entries never sits in memory.
use app::accounts::guard::{deny, RequestContext};
use app::accounts::{Role, Viewer};
use app::admin::audit::filter::{AuditFilter, Cursor};
use app::admin::audit::{queries, AuditEntry};
use app::imports::csv::escape;
use app::state::AppState;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};

/// Entries read per page of the export.
const EXPORT_PAGE: i64 = 500;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/audit.csv", get(export))
}

/// The header row of the export.
pub const HEADER: &str =
    "at,actor_kind,actor_id,actor,action,record_type,record_id,external_ref,before,after,ip,request_id\r\n";

async fn export(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    query: Result<Query<super::api::audit::AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    match &ctx.viewer {
        Some(Viewer::Staff(s)) if s.role == Role::Admin => {}
        Some(Viewer::Staff(_)) => {
            deny(&state, &ctx).await;
            return super::guard::forbidden_page();
        }
        _ => return Redirect::to("/login?next=/admin/audit").into_response(),
    }
    let filter = async {
        let query = super::api::query(query)?;
        let tz = app::org::clock::time_zone(&state.db).await?;
        let mut filter = AuditFilter::parse(&query.input(), tz)?;
        filter.limit = EXPORT_PAGE;
        Ok::<_, app::error::AppError>(filter)
    }
    .await;
    let filter = match filter {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    // The first page is read before answering, so a failing database is a 500, not a cut file.
    let first = match queries::page(&state.db, &filter).await {
        Ok(page) => page,
        Err(e) => return e.into_response(),
    };
    let db = state.db.clone();
    let pages =
        futures_util::stream::unfold((Some(first), Some(filter)), move |(ready, filter)| {
            let db = db.clone();
            async move {
                let mut filter = filter?;
                let (entries, next) = match ready {
                    Some(page) => page,
                    None => match queries::page(&db, &filter).await {
                        Ok(page) => page,
                        Err(e) => {
                            return Some((Err(std::io::Error::other(e.to_string())), (None, None)))
                        }
                    },
                };
                let body: String = entries.iter().map(row).collect();
                let after = next.and_then(|c| Cursor::decode(&c).ok()).map(|c| {
                    filter.cursor = Some(c);
                    filter
                });
                Some((Ok::<_, std::io::Error>(body), (None, after)))
            }
        });
    let head = futures_util::stream::once(async { Ok(HEADER.to_string()) });
    let body = Body::from_stream(futures_util::StreamExt::chain(head, pages));
    let file = format!(
        "audit-log-{}.csv",
        app::org::clock::day_of(chrono_tz::UTC, app::db::now_ms())
    );
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// One entry as a CSV line; text a spreadsheet would run as a formula is made inert.
fn row(e: &AuditEntry) -> String {
    let at = chrono::DateTime::from_timestamp_millis(e.at)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default();
    let json =
        |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
    let text = |v: &Option<String>| escape(v.as_deref().unwrap_or(""));
    format!(
        "{at},{},{},{},{},{},{},{},{},{},{},{}\r\n",
        escape(&e.actor_kind),
        e.actor_id.map(|i| i.to_string()).unwrap_or_default(),
        escape(&e.actor_label),
        escape(&e.action),
        escape(&e.entity),
        text(&e.entity_id),
        text(&e.external_ref),
        escape(&json(&e.before)),
        escape(&json(&e.after)),
        text(&e.ip),
        text(&e.request_id),
    )
}
