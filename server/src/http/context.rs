//! Per-request context: a request id for logs and errors, the client address, and the
//! signed-in person resolved from the session cookie.
use app::accounts::guard::RequestContext;
use app::accounts::sessions;
use app::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;
use tracing::Instrument;

pub use app::accounts::sessions::cookie_value as cookie;

pub fn client_ip(req: &Request, trust_proxy: bool) -> String {
    if trust_proxy {
        if let Some(forwarded) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
        {
            if let Some(first) = forwarded
                .split(',')
                .next()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                return first.to_string();
            }
        }
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn new_request_id() -> String {
    use rand::Rng;
    format!("{:016x}", rand::thread_rng().gen::<u64>())
}

pub async fn request_context(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let request_id = new_request_id();
    let ip = client_ip(&req, state.settings.trust_proxy);
    let viewer = match cookie(req.headers(), sessions::COOKIE) {
        Some(token) => match sessions::resolve(&state.db, &state.settings, &token).await {
            Ok(v) => v,
            Err(e) => {
                tracing::error!(%request_id, "could not resolve a session: {e}");
                None
            }
        },
        None => None,
    };
    let accepts_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let path = req.uri().path().to_string();
    req.extensions_mut().insert(RequestContext {
        viewer,
        ip,
        path,
        accepts_html,
    });
    let span = tracing::info_span!("request", id = %request_id, method = %req.method(), path = %req.uri().path());
    let started = std::time::Instant::now();
    let mut response =
        app::request_id::scope(request_id.clone(), next.run(req).instrument(span)).await;
    tracing::info!(
        request_id = %request_id,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "served"
    );
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}
