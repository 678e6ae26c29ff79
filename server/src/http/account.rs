//! Password forms for staff and customers: change (signed in), forgot (asks for a link) and
//! reset (uses it). Plain HTML forms answered with redirects, so they work without JavaScript;
//! the pages show the outcome from the `flash` or `error` code in the URL.
use super::context::{client_ip, cookie};
use app::accounts::credentials;
use app::accounts::guard::RequestContext;
use app::accounts::sessions::AccountKind;
use app::accounts::Viewer;
use app::error::AppError;
use app::state::AppState;
use app::url_encoding::encode;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

/// Where each kind of account finds its pages.
struct Pages {
    account: &'static str,
    forgot: &'static str,
    login: &'static str,
}

fn pages(kind: AccountKind) -> Pages {
    match kind {
        AccountKind::Staff => Pages {
            account: "/account",
            forgot: "/login/forgot",
            login: "/login",
        },
        AccountKind::Customer => Pages {
            account: "/portal/account",
            forgot: "/portal/login/forgot",
            login: "/portal/login",
        },
    }
}

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// The error code a page shows for a failed password form.
fn error_code(e: &AppError) -> &'static str {
    match e {
        AppError::Validation { fields, .. } if fields.iter().any(|f| f.field == "current") => {
            "current"
        }
        AppError::Validation { .. } => "password",
        AppError::TooManyRequests(_) => "throttled",
        _ => "failed",
    }
}

async fn change(state: AppState, req: Request, kind: AccountKind) -> Response {
    let page = pages(kind).account;
    let ctx = req
        .extensions()
        .get::<RequestContext>()
        .cloned()
        .unwrap_or_default();
    let account_id = match (&ctx.viewer, kind) {
        (Some(Viewer::Staff(s)), AccountKind::Staff) => s.id,
        (Some(Viewer::Customer(c)), AccountKind::Customer) => c.customer_id,
        _ => return Redirect::to(pages(kind).login).into_response(),
    };
    let token = cookie(req.headers(), state.settings.session_cookie()).unwrap_or_default();
    let Ok(Form(form)) = Form::<ChangeForm>::from_request(req, &state).await else {
        return Redirect::to(&format!("{page}?error=password")).into_response();
    };
    if form.password != form.confirm {
        return Redirect::to(&format!("{page}?error=mismatch")).into_response();
    }
    match credentials::change_password(
        &state,
        kind,
        account_id,
        form.current,
        &form.password,
        &token,
    )
    .await
    {
        Ok(()) => Redirect::to(&format!("{page}?flash=password-changed")).into_response(),
        Err(AppError::Internal { request_id }) => AppError::Internal { request_id }.into_response(),
        Err(e) => Redirect::to(&format!("{page}?error={}", error_code(&e))).into_response(),
    }
}

pub async fn staff_change(State(state): State<AppState>, req: Request) -> Response {
    change(state, req, AccountKind::Staff).await
}

pub async fn portal_change(State(state): State<AppState>, req: Request) -> Response {
    change(state, req, AccountKind::Customer).await
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

async fn forgot(state: AppState, req: Request, kind: AccountKind) -> Response {
    let page = pages(kind).forgot;
    let ip = client_ip(&req, state.settings.trusted_proxies);
    let Ok(Form(form)) = Form::<ForgotForm>::from_request(req, &state).await else {
        return Redirect::to(&format!("{page}?error=missing")).into_response();
    };
    if form.email.trim().is_empty() || !form.email.contains('@') {
        return Redirect::to(&format!("{page}?error=missing")).into_response();
    }
    match credentials::request_reset(&state, kind, &form.email, &ip).await {
        Ok(()) => Redirect::to(&format!(
            "{page}?flash=reset-sent&email={}",
            encode(form.email.trim())
        ))
        .into_response(),
        Err(AppError::TooManyRequests(message)) => {
            let mut response = super::errors::page(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many reset requests",
                &message,
                (pages(kind).login, "Back to sign-in"),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("3600"));
            response
        }
        Err(e) => e.into_response(),
    }
}

pub async fn staff_forgot(State(state): State<AppState>, req: Request) -> Response {
    forgot(state, req, AccountKind::Staff).await
}

pub async fn portal_forgot(State(state): State<AppState>, req: Request) -> Response {
    forgot(state, req, AccountKind::Customer).await
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

async fn reset(state: AppState, token: String, req: Request, kind: AccountKind) -> Response {
    let page = credentials::reset_path(kind, &encode(&token));
    let Ok(Form(form)) = Form::<ResetForm>::from_request(req, &state).await else {
        return Redirect::to(&format!("{page}?error=password")).into_response();
    };
    if form.password != form.confirm {
        return Redirect::to(&format!("{page}?error=mismatch")).into_response();
    }
    match credentials::complete_reset(&state, kind, &token, &form.password).await {
        Ok(()) => {
            Redirect::to(&format!("{}?flash=password-reset", pages(kind).login)).into_response()
        }
        Err(AppError::NotFound(_)) => super::errors::page(
            StatusCode::GONE,
            "This reset link no longer works",
            "Reset links work once, for 60 minutes. Ask for a new one.",
            (pages(kind).forgot, "Ask for a new link"),
        ),
        Err(AppError::Internal { request_id }) => AppError::Internal { request_id }.into_response(),
        Err(e) => Redirect::to(&format!("{page}?error={}", error_code(&e))).into_response(),
    }
}

pub async fn staff_reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
    req: Request,
) -> Response {
    reset(state, token, req, AccountKind::Staff).await
}

pub async fn portal_reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
    req: Request,
) -> Response {
    reset(state, token, req, AccountKind::Customer).await
}
