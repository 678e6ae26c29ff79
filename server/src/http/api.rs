//! The JSON API for other systems, under `/api/v1`, authenticated with bearer tokens.
use app::admin::tokens::queries::{authenticate, ApiClient};
use app::error::AppError;
use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/api/v1/whoami", get(whoami))
        .route_layer(middleware::from_fn_with_state(state, require_token))
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
            let mut response = (
                axum::http::StatusCode::UNAUTHORIZED,
                Json(json!({ "error": "A valid API token is required: send 'Authorization: Bearer em_…'." })),
            )
                .into_response();
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
async fn whoami(Extension(client): Extension<ApiClient>) -> Json<Value> {
    Json(json!({ "token": { "id": client.token_id, "name": client.name } }))
}
