//! Lists people take away: `GET /incidents.csv`, `/feedback.csv`, `/follow-ups.csv`,
//! `/stories.csv` and `/customers.csv` with the filters of the list in view, each streamed a chunk at a time (keyset order) so a hundred
//! thousand rows never sit in memory at once.
mod lines;

use app::accounts::guard::RequestContext;
use app::accounts::{StaffViewer, Viewer};
use app::customers::queries::CustomerQuery;
use app::error::AppError;
use app::feedback::queries::FeedbackQuery;
use app::feedback::queue::{FollowUpQuery, Looker, Queue};
use app::incidents::queries::IncidentQuery;
use app::org::visibility::Reach;
use app::state::AppState;
use app::stories::queries::library::StoryQuery;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use std::future::Future;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/incidents.csv", get(incidents))
        .route("/feedback.csv", get(feedback))
        .route("/follow-ups.csv", get(follow_ups))
        .route("/stories.csv", get(stories))
        .route("/customers.csv", get(customers))
}

/// The staff member asking, if staff are asking.
fn staff(ctx: &RequestContext) -> Option<StaffViewer> {
    match &ctx.viewer {
        Some(Viewer::Staff(s)) => Some(s.clone()),
        _ => None,
    }
}

/// Anyone else signs in first, and comes back to the list.
fn sign_in(list: &str) -> Response {
    Redirect::to(&format!("/login?next=/{list}")).into_response()
}

fn base(state: &AppState) -> String {
    state.settings.public_url.trim_end_matches('/').to_string()
}

async fn incidents(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(q): Query<IncidentQuery>,
) -> Response {
    if staff(&ctx).is_none() {
        return sign_in("incidents");
    }
    let db = state.db.clone();
    let started = async {
        let filter = q.filter(&db).await?;
        Ok((filter, app::incidents::queries::export_start(&db).await?))
    };
    let (filter, measured) = match started.await {
        Ok(s) => s,
        Err(e) => return AppError::into_response(e),
    };
    let base = base(&state);
    csv(
        "incidents",
        lines::INCIDENTS,
        move |after| {
            let (db, filter, measured) = (db.clone(), filter.clone(), measured.clone());
            async move { app::incidents::queries::export_chunk(&db, &filter, &measured, after).await }
        },
        |i| (i.detected_at, i.id),
        move |i| lines::incident(i, &base),
    )
}

async fn feedback(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(q): Query<FeedbackQuery>,
) -> Response {
    if staff(&ctx).is_none() {
        return sign_in("feedback");
    }
    let db = state.db.clone();
    let filter = match q.filter(&db).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let base = base(&state);
    csv(
        "feedback",
        lines::FEEDBACK,
        move |after| {
            let (db, filter) = (db.clone(), filter.clone());
            async move { app::feedback::queries::export_chunk(&db, &filter, after).await }
        },
        |f| (f.received_at, f.id),
        move |f| lines::feedback(f, &base),
    )
}

async fn follow_ups(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(q): Query<FollowUpQuery>,
) -> Response {
    let Some(viewer) = staff(&ctx) else {
        return sign_in("follow-ups");
    };
    let db = state.db.clone();
    let started = async {
        let reach = Reach::of(&db, &viewer).await?;
        Ok::<_, AppError>((q.read(&db, Queue::Mine).await?, reach))
    };
    let (listed, reach) = match started.await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let who = Looker {
        viewer: viewer.id,
        reach,
    };
    let base = base(&state);
    csv(
        "follow-ups",
        lines::FOLLOW_UPS,
        move |after| {
            let (db, listed) = (db.clone(), listed.clone());
            async move { app::feedback::queue::export_chunk(&db, &listed, who, after).await }
        },
        |u| (u.opened_at, u.id),
        move |u| lines::follow_up(u, &base),
    )
}

async fn stories(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(q): Query<StoryQuery>,
) -> Response {
    if staff(&ctx).is_none() {
        return sign_in("stories");
    }
    let db = state.db.clone();
    let filter = match q.filter(&db).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let base = base(&state);
    csv(
        "stories",
        lines::STORIES,
        move |after| {
            let (db, filter) = (db.clone(), filter.clone());
            let after = after.map(|(_, id)| id);
            async move { app::stories::queries::library::export_chunk(&db, &filter, after).await }
        },
        |s| (s.id, s.id),
        move |s| lines::story(s, &base),
    )
}

async fn customers(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(q): Query<CustomerQuery>,
) -> Response {
    if staff(&ctx).is_none() {
        return sign_in("customers");
    }
    let db = state.db.clone();
    let filter = match q.filter(&db).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let base = base(&state);
    csv(
        "customers",
        lines::CUSTOMERS,
        move |after| {
            let (db, filter) = (db.clone(), filter.clone());
            let after = after.map(|(_, id)| id);
            async move { app::customers::queries::export_chunk(&db, &filter, after).await }
        },
        |c| (c.id, c.id),
        move |c| lines::customer(c, &base),
    )
}

/// A CSV file of `name` streamed from its header and then chunk after chunk of `fetch`, each
/// read after the `key` of the last row written, until a chunk comes back short.
fn csv<R, F, Fut>(
    name: &'static str,
    header: &'static str,
    fetch: F,
    key: fn(&R) -> (i64, i64),
    line: impl Fn(&R) -> String + Send + 'static,
) -> Response
where
    R: Send + 'static,
    F: Fn(Option<(i64, i64)>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Vec<R>, AppError>> + Send,
{
    let head = futures_util::stream::once(async move { Ok::<_, AppError>(header.to_string()) });
    let walk = (fetch, line, None, false);
    let rows = futures_util::stream::unfold(walk, move |(fetch, line, after, done)| async move {
        if done {
            return None;
        }
        let chunk = match fetch(after).await {
            Ok(c) => c,
            // The header is sent: a failure can only end the file early, and is logged.
            Err(e) => {
                tracing::error!(error = %e, list = name, "export stopped");
                return None;
            }
        };
        let done = (chunk.len() as i64) < app::db::EXPORT_CHUNK;
        let after = chunk.last().map(key);
        let text: String = chunk.iter().map(&line).collect();
        Some((Ok(text), (fetch, line, after, done)))
    });
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        Body::from_stream(futures_util::StreamExt::chain(head, rows)),
    )
        .into_response()
}
