//! Lists people take away: `GET /incidents.csv` with the incidents list's filters, streamed a
//! chunk at a time so a hundred thousand rows never sit in memory at once.
use app::accounts::guard::RequestContext;
use app::accounts::Viewer;
use app::db::Db;
use app::error::AppError;
use app::imports::csv::escape;
use app::incidents::queries::{export_chunk, export_start, IncidentFilter, IncidentQuery};
use app::incidents::sla::ServiceLevels;
use app::incidents::IncidentRow;
use app::state::AppState;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};

pub fn router() -> Router<AppState> {
    Router::new().route("/incidents.csv", get(incidents_csv))
}

const INCIDENT_HEADER: &str = "id,customer,category,severity,source,status,assignee,detected_at,acknowledged_at,resolved_at,proactive,subject,description,link\n";

/// A moment as an ISO 8601 UTC timestamp, or nothing.
fn moment(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn incident_line(i: &IncidentRow, base: &str) -> String {
    let cells = [
        i.id.to_string(),
        escape(&i.customer_name),
        escape(&i.category),
        i.severity.as_str().into(),
        i.source.as_str().into(),
        i.status.as_str().into(),
        escape(i.assignee_name.as_deref().unwrap_or("")),
        moment(Some(i.detected_at)),
        moment(i.acknowledged_at),
        moment(i.resolved_at),
        if i.proactive { "yes" } else { "no" }.into(),
        escape(i.subject_ref.as_deref().unwrap_or("")),
        escape(&i.description),
        format!("{base}/incidents/{}", i.id),
    ];
    let mut line = cells.join(",");
    line.push('\n');
    line
}

/// Where the export walk stands: the filter and the last row written, until it is done.
struct Walk {
    db: Db,
    filter: IncidentFilter,
    measured: (ServiceLevels, i64),
    base: String,
    after: Option<(i64, i64)>,
    done: bool,
}

async fn incidents_csv(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(q): Query<IncidentQuery>,
) -> Response {
    if !matches!(ctx.viewer, Some(Viewer::Staff(_))) {
        return Redirect::to("/login?next=/incidents").into_response();
    }
    let (filter, measured) = match (q.filter(&state.db).await, export_start(&state.db).await) {
        (Ok(f), Ok(m)) => (f, m),
        (Err(e), _) | (_, Err(e)) => return e.into_response(),
    };
    let walk = Walk {
        db: state.db.clone(),
        filter,
        measured,
        base: state.settings.public_url.trim_end_matches('/').to_string(),
        after: None,
        done: false,
    };
    let header =
        futures_util::stream::once(async { Ok::<_, AppError>(INCIDENT_HEADER.to_string()) });
    let rows = futures_util::stream::unfold(walk, |mut walk| async move {
        if walk.done {
            return None;
        }
        let chunk = match export_chunk(&walk.db, &walk.filter, &walk.measured, walk.after).await {
            Ok(c) => c,
            // The header is sent: a failure can only end the file early, and is logged.
            Err(e) => {
                tracing::error!(error = %e, "incident export stopped");
                return None;
            }
        };
        walk.done = (chunk.len() as i64) < app::incidents::queries::EXPORT_CHUNK;
        walk.after = chunk.last().map(|i| (i.detected_at, i.id));
        let text: String = chunk.iter().map(|i| incident_line(i, &walk.base)).collect();
        Some((Ok(text), walk))
    });
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"incidents.csv\"",
            ),
        ],
        Body::from_stream(futures_util::StreamExt::chain(header, rows)),
    )
        .into_response()
}
