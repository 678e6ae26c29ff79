//! Page access before any rendering: anonymous visitors and customers asking for staff pages
//! go to the staff sign-in, visitors to the portal go to the portal sign-in, and admin pages
//! refuse other staff with 403.
use app::accounts::guard::{deny, RequestContext};
use app::accounts::{Role, Viewer};
use app::state::AppState;
use app::url_encoding::encode;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

const STAFF_PREFIXES: [&str; 9] = [
    "/account",
    "/dashboard",
    "/reports",
    "/feedback",
    "/incidents",
    "/follow-ups",
    "/stories",
    "/customers",
    "/admin",
];

/// Pages for managers and admins only.
const MANAGER_PAGES: [&str; 8] = [
    "/reports/themes",
    "/reports/playbook",
    "/customers/import",
    "/stories/cadence",
    "/follow-ups/settings",
    "/incidents/approvals",
    "/incidents/settings",
    "/incidents/rules",
];

fn under(path: &str, prefix: &str) -> bool {
    path == prefix || path.starts_with(&format!("{prefix}/"))
}

/// The gate in front of every server function: the caller must be one the policy table opens
/// it to, before its arguments are even read. A function with no entry is refused for everyone.
async fn server_function(state: &AppState, req: Request, next: Next, endpoint: &str) -> Response {
    use app::accounts::policy::{needs, Gate};
    use app::error::AppError;
    let ctx = req
        .extensions()
        .get::<RequestContext>()
        .cloned()
        .unwrap_or_default();
    let refused = match needs(endpoint) {
        None => {
            tracing::error!(
                endpoint,
                "server function without an entry in the access policy"
            );
            AppError::Forbidden
        }
        Some(needs) => match needs.gate(ctx.viewer.as_ref()) {
            Gate::Open
                if !endpoint.starts_with("account/")
                    && endpoint != "viewer"
                    && second_factor_missing(state, ctx.viewer.as_ref()).await =>
            {
                AppError::Forbidden
            }
            Gate::Open => return within_limit(req, next).await,
            Gate::SignIn => AppError::Unauthenticated,
            Gate::Refuse => deny(state, &ctx).await,
        },
    };
    // Encoded as the server function itself would answer, so the app's own client reads it.
    let status = StatusCode::from_u16(refused.status()).unwrap_or(StatusCode::FORBIDDEN);
    let body = serde_json::to_string(&refused).unwrap_or_default();
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    h.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    if let Ok(path) = axum::http::HeaderValue::from_str(&format!("/fn/{endpoint}")) {
        h.insert("serverfnerror", path);
    }
    response
}

/// The largest body a server function reads: forms and drafts, never files (imports have their
/// own upload route).
pub const SERVER_FN_BODY_LIMIT: usize = 1 << 20;

/// Reads a server function's body up to the limit before the function sees it: anything longer,
/// declared or streamed, is answered 413 without being held in memory.
async fn within_limit(req: Request, next: Next) -> Response {
    use app::error::AppError;
    let too_large = || {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            axum::Json(serde_json::json!({
                "error": "That request is too large.",
                "detail": AppError::Request(format!(
                    "Requests to the app are limited to {} KiB.",
                    SERVER_FN_BODY_LIMIT / 1024
                )),
            })),
        )
            .into_response()
    };
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > SERVER_FN_BODY_LIMIT) {
        return too_large();
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, SERVER_FN_BODY_LIMIT).await {
        Ok(bytes) => {
            let response = next
                .run(Request::from_parts(parts, axum::body::Body::from(bytes)))
                .await;
            with_error_status(response).await
        }
        Err(_) => too_large(),
    }
}

/// A server function that failed before its body ran (arguments missing or unreadable) is
/// answered 500 by the framework; the error it carries says what it really is (400 for a
/// request that could not be read), so that status is sent instead.
async fn with_error_status(response: Response) -> Response {
    use app::error::AppError;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(parts.status);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Whether the organisation requires a second factor of this manager or admin and they have
/// none yet: until they set one up, only their account page is open to them.
async fn second_factor_missing(state: &AppState, viewer: Option<&Viewer>) -> bool {
    use app::accounts::second_factor::{enabled, required};
    let Some(Viewer::Staff(staff)) = viewer else {
        return false;
    };
    if !staff.role.at_least(Role::Manager) {
        return false;
    }
    match (
        required(&state.db).await,
        enabled(&state.db, staff.id).await,
    ) {
        (Ok(true), Ok(false)) => true,
        (Ok(_), Ok(_)) => false,
        (Err(e), _) | (_, Err(e)) => {
            tracing::error!("could not read second-factor requirements: {e}");
            true
        }
    }
}

pub async fn pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if let Some(endpoint) = req.uri().path().strip_prefix("/fn/") {
        let endpoint = endpoint.to_string();
        return server_function(&state, req, next, &endpoint).await;
    }
    let ctx = req
        .extensions()
        .get::<RequestContext>()
        .cloned()
        .unwrap_or_default();
    let path = req.uri().path().to_string();
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        // Form posts to staff routes (imports, exports) wait for a required second factor too.
        let staff_route =
            STAFF_PREFIXES.iter().any(|p| under(&path, p)) && !under(&path, "/account");
        if staff_route && second_factor_missing(&state, ctx.viewer.as_ref()).await {
            return forbidden_page();
        }
        return next.run(req).await;
    }
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| path.clone());
    let viewer = ctx.viewer.clone();

    if path == "/" {
        return Redirect::to(match viewer {
            Some(Viewer::Staff(_)) => "/dashboard",
            Some(Viewer::Customer(_)) => "/portal",
            None => "/login",
        })
        .into_response();
    }
    if STAFF_PREFIXES.iter().any(|p| under(&path, p)) {
        let missing_second_factor =
            !under(&path, "/account") && second_factor_missing(&state, viewer.as_ref()).await;
        return match viewer {
            Some(Viewer::Staff(staff)) if under(&path, "/admin") && staff.role != Role::Admin => {
                deny(&state, &ctx).await;
                forbidden_page()
            }
            Some(Viewer::Staff(staff))
                if MANAGER_PAGES.iter().any(|p| under(&path, p))
                    && !staff.role.at_least(Role::Manager) =>
            {
                deny(&state, &ctx).await;
                forbidden_page()
            }
            Some(Viewer::Staff(_)) if missing_second_factor => {
                Redirect::to("/account?flash=two-factor-required#two-factor").into_response()
            }
            Some(Viewer::Staff(_)) => next.run(req).await,
            _ => Redirect::to(&format!(
                "/login?next={}",
                encode(&target).replace("%2F", "/")
            ))
            .into_response(),
        };
    }
    let portal_public = ["/portal/login", "/portal/logout", "/portal/login/forgot"]
        .contains(&path.as_str())
        || path.starts_with("/portal/invite/")
        || path.starts_with("/portal/reset/");
    if under(&path, "/portal") && !portal_public && !matches!(viewer, Some(Viewer::Customer(_))) {
        return Redirect::to("/portal/login").into_response();
    }
    next.run(req).await
}

/// A plain 403 page, sent before the app renders.
pub fn forbidden_page() -> Response {
    super::errors::page(
        StatusCode::FORBIDDEN,
        "This page is not open to your account",
        "If you need it for your work, ask an administrator to change your role.",
        ("/", "Go to your start page"),
    )
}
