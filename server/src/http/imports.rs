//! The CSV import routes that are not server functions: the multipart upload (a plain form,
//! so it works without JavaScript) and the downloadable error report.
use app::accounts::guard::{deny, RequestContext};
use app::accounts::{Role, Viewer};
use app::imports::{csv, ImportKind};
use app::state::AppState;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/customers/import",
            post(upload).layer(DefaultBodyLimit::max(csv::MAX_BYTES + 64 * 1024)),
        )
        .route("/customers/import/{id}/errors.csv", get(error_report))
}

/// The signed-in manager or admin, or the response that turns the caller away.
async fn manager(state: &AppState, ctx: &RequestContext) -> Result<i64, Response> {
    match &ctx.viewer {
        Some(Viewer::Staff(s)) if s.role.at_least(Role::Manager) => Ok(s.id),
        Some(_) => {
            deny(state, ctx).await;
            Err(super::guard::forbidden_page())
        }
        None => Err(Redirect::to("/login?next=/customers/import").into_response()),
    }
}

fn back(problem: &str) -> Response {
    Redirect::to(&format!("/customers/import?problem={problem}")).into_response()
}

async fn upload(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    mut form: Multipart,
) -> Response {
    let staff_id = match manager(&state, &ctx).await {
        Ok(id) => id,
        Err(refusal) => return refusal,
    };
    let mut kind = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(None) => break,
            Ok(Some(field)) => match field.name() {
                Some("kind") => kind = field.text().await.ok(),
                Some("file") => {
                    let name = field.file_name().unwrap_or_default().to_string();
                    match field.bytes().await {
                        Ok(bytes) => file = Some((name, bytes.to_vec())),
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            return back("too-large")
                        }
                        Err(_) => return back("unreadable"),
                    }
                }
                _ => {}
            },
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return back("too-large"),
            Err(_) => return back("unreadable"),
        }
    }
    let Some(Ok(kind)) = kind.map(|k| ImportKind::parse(&k)) else {
        return back("kind");
    };
    let Some((name, bytes)) = file.filter(|(name, bytes)| !name.is_empty() || !bytes.is_empty())
    else {
        return back("no-file");
    };
    match app::imports::run::upload(&state.db, kind, &name, &bytes, staff_id).await {
        Ok(id) => Redirect::to(&format!("/customers/import/{id}")).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Every problem kept for an import, as CSV: line, column, problem.
async fn error_report(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<String>,
) -> Response {
    if let Err(refusal) = manager(&state, &ctx).await {
        return refusal;
    }
    let Ok(id) = id.parse::<i64>() else {
        return app::error::AppError::NotFound("This import".into()).into_response();
    };
    let (view, errors) = match app::imports::store::errors(&state.db, id).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let mut body = String::from("line,column,problem\r\n");
    if errors.is_empty() {
        if let Some(message) = &view.message {
            body.push_str(&format!(",,{}\r\n", csv::escape(message)));
        }
    }
    for e in &errors {
        body.push_str(&format!(
            "{},{},{}\r\n",
            e.line,
            csv::escape(&e.field),
            csv::escape(&e.message)
        ));
    }
    super::csv_attachment(&format!("import-{id}-errors.csv"), body)
}
