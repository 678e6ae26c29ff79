//! Per-request context: the request id (made and returned by tower-http's `request_id` layers,
//! carried by the request's trace span; see [`with_request_ids`]) for logs and errors, the
//! client address, and the signed-in person resolved from the session cookie.
use app::accounts::guard::RequestContext;
use app::accounts::sessions;
use app::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use std::net::SocketAddr;
use tower::ServiceBuilder;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;
use tracing::Level;

pub use app::accounts::cookies::read as cookie;

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

/// The header request ids travel in, on the request and on its response.
const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Request ids, as tower-http's `request_id` layers make them: ours alone (16 hex
/// digits), never one a client sends, since the id is written into the audit trail and the logs.
#[derive(Clone, Copy, Default)]
struct MakeId;

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        use rand::Rng;
        let id = format!("{:016x}", rand::thread_rng().gen::<u64>());
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// Drops a client's own `x-request-id`, which `SetRequestIdLayer` would otherwise adopt.
async fn forget_client_request_id(mut req: Request) -> Request {
    req.headers_mut().remove(X_REQUEST_ID);
    req
}

/// The span every request is served in, carrying its id, method and path.
fn request_span(req: &Request) -> tracing::Span {
    let id = req
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
}

/// `router` inside the request-id and trace layers, outermost first: a client's own
/// `x-request-id` dropped, a fresh id made, the request served in a [`request_span`] (its
/// response logged with status and latency), and the id copied onto the response.
pub fn with_request_ids<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router.layer(
        ServiceBuilder::new()
            .layer(axum::middleware::map_request(forget_client_request_id))
            .layer(SetRequestIdLayer::new(X_REQUEST_ID, MakeId))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(request_span)
                    .on_response(
                        DefaultOnResponse::new()
                            .level(Level::INFO)
                            .latency_unit(LatencyUnit::Millis),
                    ),
            )
            .layer(PropagateRequestIdLayer::new(X_REQUEST_ID)),
    )
}

/// Resolves who is asking (the session cookie) and from where, for the handlers, and runs the
/// rest of the request with its id as `app::request_id::current()` and its client address as
/// `app::request_id::client_ip()`.
pub async fn request_context(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-")
        .to_string();
    let ip = client_ip(&req, state.settings.trusted_proxies);
    let viewer = match cookie(req.headers(), state.settings.session_cookie()) {
        Some(token) => match sessions::resolve(&state.db, &state.settings, &token).await {
            Ok(v) => v,
            Err(e) => {
                tracing::error!("could not resolve a session: {e}");
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
        ip: ip.clone(),
        path,
        accepts_html,
    });
    app::request_id::scope_request(request_id, ip, next.run(req)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    /// A router whose one page answers with the request id its handler was given.
    fn echo() -> Router {
        with_request_ids(Router::new().route(
            "/",
            get(|req: Request| async move {
                req.extensions()
                    .get::<RequestId>()
                    .and_then(|id| id.header_value().to_str().ok())
                    .unwrap_or("none")
                    .to_string()
            }),
        ))
    }

    async fn answer(req: axum::http::Request<Body>) -> (String, String) {
        let res = echo().oneshot(req).await.unwrap();
        let header = res.headers()[X_REQUEST_ID].to_str().unwrap().to_string();
        let body = axum::body::to_bytes(res.into_body(), 1024).await.unwrap();
        (header, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn every_request_gets_a_fresh_id_that_its_response_names() {
        let (header, seen) = answer(Request::get("/").body(Body::empty()).unwrap()).await;
        assert_eq!(header.len(), 16);
        assert!(header.chars().all(|c| c.is_ascii_hexdigit()), "{header}");
        assert_eq!(seen, header);
        let (again, _) = answer(Request::get("/").body(Body::empty()).unwrap()).await;
        assert_ne!(again, header);
    }

    #[tokio::test]
    async fn a_request_id_the_client_sends_is_not_taken() {
        let req = Request::get("/")
            .header("x-request-id", "forged-id")
            .body(Body::empty())
            .unwrap();
        let (header, seen) = answer(req).await;
        assert_ne!(header, "forged-id");
        assert_eq!(header.len(), 16);
        assert_eq!(seen, header);
    }
}
