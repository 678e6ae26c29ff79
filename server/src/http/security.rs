//! Security headers on every response, and the cross-site request forgery check on every
//! state-changing request.
use app::accounts::guard::RequestContext;
use app::audit::Entry;
use app::state::AppState;
use app::CspNonce;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

fn new_nonce() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Adds the Content-Security-Policy (with a fresh nonce for the hydration script), and the
/// other headers that keep browsers strict.
pub async fn headers(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let nonce = new_nonce();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    // What a signed-in person or API client is sent is theirs alone: no cache may keep it.
    let authenticated = req.headers().contains_key(header::AUTHORIZATION)
        || app::accounts::cookies::read(req.headers(), state.settings.session_cookie()).is_some();
    let mut response = next.run(req).await;
    // A hashed bundle file is the same for everyone and never changes: it keeps its year.
    let immutable = response.headers().get(header::CACHE_CONTROL)
        == Some(&HeaderValue::from_static(super::assets::IMMUTABLE));
    if authenticated && !immutable {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'"
    );
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if state.settings.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// Whether a state-changing request comes from another site, judged by what browsers send:
/// `Sec-Fetch-Site` when present, else `Origin` compared with `Host`. Requests without either
/// come from non-browser clients, which cannot carry a victim's cookies by accident.
pub fn is_cross_site(req: &Request) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or("null");
    origin == "null" || !origin_host.eq_ignore_ascii_case(host)
}

/// Refuses cross-site state-changing requests with 403, recording the refusal. The JSON API
/// authenticates with bearer tokens, not cookies, so it is exempt.
pub async fn csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || req.uri().path().starts_with("/api/v1/") || !is_cross_site(&req) {
        return next.run(req).await;
    }
    let ctx = req
        .extensions()
        .get::<RequestContext>()
        .cloned()
        .unwrap_or_default();
    // Once per client address and minute: forged posts cannot grow the audit log without bound.
    let key = format!("xsite:{}", app::accounts::throttle::client_key(&ctx.ip));
    let first = app::accounts::throttle::count_attempt(&state.db, &key, app::db::now_ms(), 60_000)
        .await
        .map_or(true, |n| n == 1);
    if first {
        let actor = ctx.actor();
        let entry = Entry::new(&actor, "access.denied.cross_site", "path")
            .id(req.uri().path())
            .ip(&ctx.ip);
        if let Err(e) = entry.write(&state.db).await {
            tracing::warn!("could not audit a cross-site refusal: {e}");
        }
    }
    (
        StatusCode::FORBIDDEN,
        "Cross-site request refused: this form must be sent from Extra Mile itself.",
    )
        .into_response()
}
