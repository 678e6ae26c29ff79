//! The JSON API for other systems, under `/api/v1`, authenticated with bearer tokens.
pub mod feedback;
pub mod incidents;
pub mod openapi;
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
        .route("/api/v1/incidents", get(incidents::list))
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
