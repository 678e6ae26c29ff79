//! The JSON API for other systems, under `/api/v1`, authenticated with bearer tokens.
pub mod feedback;
pub mod incidents;
pub mod loyalty;
pub mod openapi;
pub mod reports;
pub mod signals;

use app::admin::tokens::queries::{authenticate, ApiClient};
use app::audit::Actor;
use app::error::AppError;
use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

pub fn router(state: AppState) -> Router<AppState> {
    let protected = Router::new()
        .route("/api/v1/whoami", get(whoami))
        .route("/api/v1/signals", post(signals::ingest))
        .route("/api/v1/feedback", post(feedback::create))
        .route("/api/v1/feedback/{id}", get(feedback::get))
        .route("/api/v1/customers", post(loyalty::customers))
        .route(
            "/api/v1/customers/{external_ref}/profile",
            get(loyalty::profile),
        )
        .route("/api/v1/orders", post(loyalty::orders))
        .route("/api/v1/incidents", get(incidents::list))
        .route("/api/v1/reports/weekly", get(reports::weekly))
        .route("/api/v1/incidents/{id}", get(incidents::get))
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
        Ok(client) => {
            req.extensions_mut().insert(client);
            next.run(req).await
        }
        Err(AppError::Unauthenticated) => {
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

/// Names the token a request was made with, so integrators can check their set-up.
#[utoipa::path(get, path = "/api/v1/whoami", tag = "tokens",
    responses((status = 200, body = openapi::WhoAmI), (status = 401, body = openapi::ApiError)))]
pub async fn whoami(Extension(client): Extension<ApiClient>) -> Json<Value> {
    Json(json!({ "token": { "id": client.token_id, "name": client.name } }))
}
