//! The JSON API for other systems, under `/api/v1`, authenticated with bearer tokens.
pub mod audit;
pub mod feedback;
pub mod follow_ups;
pub mod incidents;
pub mod jobs;
pub mod loyalty;
pub mod notifications;
pub mod openapi;
pub mod params;
pub mod playbook;
pub mod rates;
pub mod recoveries;
pub mod reports;
pub mod signals;
pub mod stories;
pub mod themes;
pub mod webhooks;
pub mod word_of_mouth;

use app::accounts::guard::RequestContext;
use app::admin::tokens::queries::{authenticate, ApiClient};
use app::audit::Actor;
use app::error::AppError;
use app::error::ErrorBody;
use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::Value;
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Every token-protected route, with the OpenAPI document of each generated from its handler's
/// annotations and types. The router, the document's path list and the authorization tests'
/// route table all come from here, so a new route cannot escape any of them.
fn protected() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(whoami))
        .routes(routes!(signals::ingest))
        .routes(routes!(feedback::create, feedback::list))
        .routes(routes!(follow_ups::list))
        .routes(routes!(feedback::get))
        .routes(routes!(loyalty::customers))
        .routes(routes!(loyalty::profile))
        .routes(routes!(loyalty::orders))
        .routes(routes!(incidents::list))
        .routes(routes!(incidents::get))
        .routes(routes!(reports::weekly))
        .routes(routes!(stories::list))
        .routes(routes!(word_of_mouth::referrals))
        .routes(routes!(word_of_mouth::posts))
        .routes(routes!(word_of_mouth::referral_revenue))
        .routes(routes!(recoveries::list))
        .routes(routes!(themes::list))
        .routes(routes!(themes::comments))
        .routes(routes!(playbook::get))
        .routes(routes!(rates::list, rates::put))
        .routes(routes!(notifications::list))
        .routes(routes!(notifications::read))
        .routes(routes!(notifications::read_all))
        .routes(routes!(webhooks::create, webhooks::list))
        .routes(routes!(webhooks::delete))
        .routes(routes!(webhooks::deliveries))
        .routes(routes!(audit::list))
        .routes(routes!(jobs::list))
        .routes(routes!(jobs::runs))
        .routes(routes!(jobs::run))
}

/// The API's router and its OpenAPI document.
fn parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let mut frame = openapi::ApiDoc::openapi();
    // What webhook deliveries carry: no route returns it, so it is added to the frame.
    frame.merge(app::webhooks::payloads::WebhookSchemas::openapi());
    let (router, mut doc) = OpenApiRouter::with_openapi(frame)
        .merge(protected())
        .split_for_parts();
    openapi::bound_batches(&mut doc);
    (router, doc)
}

/// The OpenAPI document of `/api/v1`.
pub fn document() -> utoipa::openapi::OpenApi {
    parts().1
}

/// The token-protected routes' paths and methods, read from the generated document.
pub fn route_table() -> Vec<(String, Method)> {
    let mut table = Vec::new();
    for (path, item) in document().paths.paths {
        for (method, operation) in [
            (Method::GET, &item.get),
            (Method::POST, &item.post),
            (Method::PUT, &item.put),
            (Method::PATCH, &item.patch),
            (Method::DELETE, &item.delete),
        ] {
            if operation.is_some() {
                table.push((path.clone(), method));
            }
        }
    }
    table
}

pub fn router(state: AppState) -> Router<AppState> {
    // One pass over the routes gives both the router and the document it serves.
    let (protected, doc) = parts();
    let typed = std::sync::Arc::new(params::TypedParams::from_document(&doc));
    let protected = protected
        .route_layer(middleware::from_fn_with_state(typed, params::check))
        .route_layer(middleware::from_fn_with_state(state, require_token));
    Router::new()
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json(doc) }
            }),
        )
        .merge(protected)
}

/// Refuses a token whose maker is not an active admin (admin-level routes: webhooks, rates).
pub async fn admin_token(state: &AppState, client: &ApiClient) -> Result<(), AppError> {
    if app::admin::tokens::queries::made_by_admin(&state.db, client.token_id).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The audit actor for a request made with an API token.
pub fn actor(client: &ApiClient) -> Actor {
    Actor::api_token(client.token_id, &client.name)
}

/// Reads a JSON array of 1 to 1,000 items checked with `parse`; a refusal names every problem
/// by index and field.
pub fn read_batch<T>(
    body: &[u8],
    noun: &str,
    parse: impl Fn(&Value) -> Result<T, Vec<(String, String)>>,
) -> Result<Vec<T>, AppError> {
    app::common::batch::parse_items(&app::common::batch::json(body)?, noun, parse)
}

/// A number from a path segment, or a 400 saying what it should have been.
pub fn path_id(value: &str, what: &str) -> Result<i64, AppError> {
    value
        .parse()
        .map_err(|_| AppError::Request(format!("The {what} id must be a number.")))
}

/// The query string read into `T`, or a 400 naming what could not be read.
pub fn query<T>(
    query: Result<axum::extract::Query<T>, axum::extract::rejection::QueryRejection>,
) -> Result<T, AppError> {
    query
        .map(|axum::extract::Query(q)| q)
        .map_err(|e| AppError::Request(format!("The query string is not valid: {}", e.body_text())))
}

/// A query string's field error as the API reports bad parameters: a 400 naming the field.
pub fn as_request(err: AppError) -> AppError {
    match err {
        AppError::Validation { fields, .. } => AppError::Request(
            fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        other => other,
    }
}

async fn require_token(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    match authenticate(&state.db, header.as_deref()).await {
        Ok(client) if client.read_only && !matches!(*req.method(), Method::GET | Method::HEAD) => {
            with_message(
                AppError::Forbidden,
                "This API token is read-only: it may send GET requests only.",
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
            let mut response = with_message(
                AppError::Unauthenticated,
                "A valid API token is required: send 'Authorization: Bearer em_…'.",
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

/// `err`'s response in the one error shape, with a message saying more than its default.
fn with_message(err: AppError, message: &str) -> Response {
    let status = axum::http::StatusCode::from_u16(err.status())
        .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    let body = ErrorBody {
        error: message.to_string(),
        ..err.body()
    };
    (status, Json(body)).into_response()
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
    responses((status = 200, body = openapi::WhoAmI), (status = 401, body = ErrorBody)))]
pub async fn whoami(Extension(client): Extension<ApiClient>) -> Json<openapi::WhoAmI> {
    Json(openapi::WhoAmI {
        token: openapi::TokenInfo {
            id: client.token_id,
            name: client.name,
        },
    })
}
