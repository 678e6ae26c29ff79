//! The JSON API for other systems, under `/api/v1`, authenticated with bearer tokens.
pub mod feedback;
pub mod incidents;
pub mod loyalty;
pub mod openapi;
pub mod reports;
pub mod signals;

use app::accounts::guard::RequestContext;
use app::admin::tokens::queries::{authenticate, ApiClient};
use app::audit::Actor;
use app::error::AppError;
use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

/// Every token-protected route: path, method and handler. The router is built from this table,
/// and the authorization tests walk it, so a new route cannot escape either.
fn protected_routes() -> Vec<(&'static str, Method, MethodRouter<AppState>)> {
    vec![
        ("/api/v1/whoami", Method::GET, get(whoami)),
        ("/api/v1/signals", Method::POST, post(signals::ingest)),
        ("/api/v1/feedback", Method::POST, post(feedback::create)),
        ("/api/v1/feedback/{id}", Method::GET, get(feedback::get)),
        ("/api/v1/customers", Method::POST, post(loyalty::customers)),
        (
            "/api/v1/customers/{external_ref}/profile",
            Method::GET,
            get(loyalty::profile),
        ),
        ("/api/v1/orders", Method::POST, post(loyalty::orders)),
        ("/api/v1/incidents", Method::GET, get(incidents::list)),
        ("/api/v1/reports/weekly", Method::GET, get(reports::weekly)),
        ("/api/v1/incidents/{id}", Method::GET, get(incidents::get)),
    ]
}

/// The token-protected routes' paths and methods.
pub fn route_table() -> Vec<(&'static str, Method)> {
    protected_routes()
        .into_iter()
        .map(|(path, method, _)| (path, method))
        .collect()
}

pub fn router(state: AppState) -> Router<AppState> {
    let protected = protected_routes()
        .into_iter()
        .fold(Router::new(), |r, (path, _, handler)| {
            r.route(path, handler)
        })
        .route_layer(middleware::from_fn_with_state(state, require_token));
    Router::new()
        .route("/api/openapi.json", get(openapi::document))
        .merge(protected)
}

/// The audit actor for a request made with an API token.
pub fn actor(client: &ApiClient) -> Actor {
    Actor::api_token(client.token_id, &client.name)
}

/// Reads a JSON array of 1 to 1,000 items checked with `parse`; a refusal is the 400 to send,
/// naming every problem by index and field.
pub fn read_batch<T>(
    body: &axum::body::Bytes,
    noun: &str,
    parse: impl Fn(&Value) -> Result<T, Vec<(String, String)>>,
) -> Result<Vec<T>, Box<Response>> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            &format!("The body is not valid JSON: {e}"),
            None,
        ))
    })?;
    app::signals::input::parse_items(&value, noun, parse).map_err(|(message, items)| {
        let details = (!items.is_empty()).then(|| serde_json::to_value(items).unwrap_or_default());
        Box::new(error(StatusCode::BAD_REQUEST, &message, details))
    })
}

/// The 400 for a batch whose items were checked against the database and refused.
pub fn refused(
    noun: &str,
    count: usize,
    problems: Vec<app::signals::input::ItemError>,
) -> Response {
    let bad: std::collections::BTreeSet<usize> = problems.iter().map(|p| p.index).collect();
    let message = format!(
        "The batch was refused: {} of {count} {noun} are invalid; nothing was stored.",
        bad.len()
    );
    error(
        StatusCode::BAD_REQUEST,
        &message,
        Some(serde_json::to_value(problems).unwrap_or_default()),
    )
}

/// A JSON error body: `{"error": message}` plus any details.
pub fn error(status: StatusCode, message: &str, details: Option<Value>) -> Response {
    let mut body = json!({ "error": message });
    if let Some(d) = details {
        body["items"] = d;
    }
    (status, Json(body)).into_response()
}

async fn require_token(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    match authenticate(&state.db, header.as_deref()).await {
        Ok(client) if client.read_only && !matches!(*req.method(), Method::GET | Method::HEAD) => {
            error(
                StatusCode::FORBIDDEN,
                "This API token is read-only: it may send GET requests only.",
                None,
            )
        }
        Ok(client) => {
            req.extensions_mut().insert(client);
            next.run(req).await
        }
        Err(AppError::Unauthenticated) => {
            let ctx = req
                .extensions()
                .get::<RequestContext>()
                .cloned()
                .unwrap_or_default();
            audit_refusal(&state, ctx, req.uri().path().to_string()).await;
            let mut response = error(
                StatusCode::UNAUTHORIZED,
                "A valid API token is required: send 'Authorization: Bearer em_…'.",
                None,
            );
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                "Bearer".parse().expect("static header"),
            );
            response
        }
        Err(e) => e.into_response(),
    }
}

/// Records a request refused for want of a valid token, once per client address and minute: a
/// flood of them cannot grow the audit log without bound.
async fn audit_refusal(state: &AppState, ctx: RequestContext, path: String) {
    let now = app::db::now_ms();
    let key = format!("api401:{}", app::accounts::throttle::client_key(&ctx.ip));
    match app::accounts::throttle::count_attempt(&state.db, &key, now, 60_000).await {
        Ok(1) => {
            let actor = ctx.actor();
            let entry = app::audit::Entry::new(&actor, "api.unauthenticated", "path")
                .id(path)
                .ip(&ctx.ip);
            if let Err(e) = entry.write(&state.db).await {
                tracing::warn!("could not audit an API refusal: {e}");
            }
        }
        Ok(_) => {}
        Err(e) => tracing::warn!("could not count an API refusal: {e}"),
    }
}

/// Names the token a request was made with, so integrators can check their set-up.
#[utoipa::path(get, path = "/api/v1/whoami", tag = "tokens",
    responses((status = 200, body = openapi::WhoAmI), (status = 401, body = openapi::ApiError)))]
pub async fn whoami(Extension(client): Extension<ApiClient>) -> Json<Value> {
    Json(json!({ "token": { "id": client.token_id, "name": client.name } }))
}
