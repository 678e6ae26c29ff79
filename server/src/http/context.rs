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

/// The client's address: with `trusted_proxies` = N of our own proxies in front, the N-th entry
/// from the right of `X-Forwarded-For` (the one our outermost proxy saw connect); entries left
/// of it are whatever the client wrote and are never believed. Without proxies, or when the
/// header is shorter than the chain, the connection's own address.
pub fn client_ip(req: &Request, trusted_proxies: usize) -> String {
    let peer = || {
        req.extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string())
            .unwrap_or_else(|| "unknown".into())
    };
    if trusted_proxies == 0 {
        return peer();
    }
    let hops: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    hops.len()
        .checked_sub(trusted_proxies)
        .and_then(|i| hops.get(i))
        .and_then(|hop| hop.parse::<std::net::IpAddr>().ok())
        .map(|ip| ip.to_string())
        .unwrap_or_else(peer)
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
    let ip = client_ip(&req, state.settings.trusted_proxies);
    let viewer = match cookie(req.headers(), state.settings.session_cookie()) {
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
