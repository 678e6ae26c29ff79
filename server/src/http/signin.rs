//! Sign-in, sign-out and invitation forms, posted as plain HTML forms. The server answers with
//! a redirect and the session cookie, so they work with or without JavaScript.
use super::context::{client_ip, cookie};
use app::accounts::cookies::{Site, Spec};
use app::accounts::guard::RequestContext;
use app::accounts::second_factor::{self, StepRefusal};
use app::accounts::sessions::{self, AccountKind};
use app::accounts::signin::{
    safe_next, second_factor_passed, sign_in, sign_out, start_session, Refusal, SignInStep,
};
use app::admin::invitations::queries as invitations;
use app::error::AppError;
use app::state::AppState;
use app::url_encoding::encode;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// A cookie of ours: Lax, and `Secure` when the site is served over TLS.
fn ours<'a>(state: &AppState, name: &'a str, path: &'a str, max_age: i64) -> Spec<'a> {
    Spec {
        name,
        path,
        max_age,
        same_site: Site::Lax,
        secure: state.settings.secure_cookies,
    }
}

fn session_cookie(state: &AppState, token: &str) -> HeaderValue {
    let max_age = state.settings.session_absolute_hours * 3600;
    ours(state, state.settings.session_cookie(), "/", max_age).header(token)
}

/// The second-factor challenge, sent only to the page that answers it.
fn challenge_cookie(state: &AppState, token: &str, max_age: i64) -> HeaderValue {
    ours(state, CHALLENGE_COOKIE, "/login/verify", max_age).header(token)
}

const CHALLENGE_COOKIE: &str = "em_2fa";

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// The second step of a staff sign-in: a code from the authenticator or a recovery code.
pub async fn verify_second_factor(State(state): State<AppState>, req: Request) -> Response {
    let ip = client_ip(&req, state.settings.trusted_proxies);
    let previous = cookie(req.headers(), state.settings.session_cookie());
    let Some(token) = cookie(req.headers(), CHALLENGE_COOKIE) else {
        return Redirect::to("/login?error=expired").into_response();
    };
    let Ok(Form(form)) = Form::<CodeForm>::from_request(req, &state).await else {
        return Redirect::to("/login/verify?error=code").into_response();
    };
    if form.code.trim().is_empty() || form.code.len() > 64 {
        return Redirect::to("/login/verify?error=code").into_response();
    }
    match second_factor::answer(&state, &token, &form.code, &ip).await {
        Ok((staff_id, next)) => {
            if let Err(e) = second_factor_passed(&state, staff_id, &ip).await {
                return e.into_response();
            }
            match start_session(
                &state,
                AccountKind::Staff,
                staff_id,
                &ip,
                previous.as_deref(),
            )
            .await
            {
                Ok(signed_in) => {
                    let target = next
                        .and_then(|n| safe_next(Some(&n)))
                        .unwrap_or_else(|| signed_in.home.to_string());
                    let mut response = Redirect::to(&target).into_response();
                    let h = response.headers_mut();
                    h.append(header::SET_COOKIE, session_cookie(&state, &signed_in.token));
                    h.append(header::SET_COOKIE, challenge_cookie(&state, "", 0));
                    response
                }
                Err(e) => e.into_response(),
            }
        }
        Err(StepRefusal::WrongCode) => Redirect::to("/login/verify?error=code").into_response(),
        Err(StepRefusal::Expired) => Redirect::to("/login?error=expired").into_response(),
        Err(StepRefusal::Throttled) => too_many(
            "Too many codes tried",
            "Too many wrong codes for this account. Wait a few minutes, then sign in again.",
            state.settings.signin_window_minutes * 60,
            "/login",
        ),
        Err(StepRefusal::Failed(e)) => e.into_response(),
    }
}

fn clear_cookie(state: &AppState) -> HeaderValue {
    ours(state, state.settings.session_cookie(), "/", 0).header("")
}

/// 429 with the seconds to wait, in words and in `Retry-After`.
fn too_many(title: &str, message: &str, retry_after_secs: i64, back: &str) -> Response {
    let mut response = super::errors::page(
        StatusCode::TOO_MANY_REQUESTS,
        title,
        message,
        (back, "Back to sign-in"),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}

/// How long to wait, as people say it.
fn wait_words(secs: i64) -> String {
    match secs {
        ..=60 => "a minute".into(),
        61..=3599 => format!("{} minutes", (secs + 59) / 60),
        _ => "an hour".into(),
    }
}

async fn handle_sign_in(state: AppState, req: Request, kind: AccountKind, page: &str) -> Response {
    let ip = client_ip(&req, state.settings.trusted_proxies);
    let previous = cookie(req.headers(), state.settings.session_cookie());
    let Ok(Form(form)) = Form::<SignInForm>::from_request(req, &state).await else {
        return Redirect::to(&format!("{page}?error=missing")).into_response();
    };
    if form.email.trim().is_empty() || form.password.is_empty() {
        return Redirect::to(&format!(
            "{page}?error=missing&email={}",
            encode(form.email.trim())
        ))
        .into_response();
    }
    let next = safe_next(form.next.as_deref());
    match sign_in(
        &state,
        kind,
        &form.email,
        form.password,
        &ip,
        previous.as_deref(),
        next.as_deref(),
    )
    .await
    {
        Ok(SignInStep::Session(signed_in)) => {
            let target = next.unwrap_or_else(|| signed_in.home.to_string());
            let mut response = Redirect::to(&target).into_response();
            response
                .headers_mut()
                .insert(header::SET_COOKIE, session_cookie(&state, &signed_in.token));
            response
        }
        Ok(SignInStep::SecondFactor { token }) => {
            let mut response = Redirect::to("/login/verify").into_response();
            response
                .headers_mut()
                .insert(header::SET_COOKIE, challenge_cookie(&state, &token, 300));
            response
        }
        Err(Refusal::Throttled { retry_after_secs }) => too_many(
            "Too many sign-in attempts",
            &format!(
                "Too many sign-in attempts for this account from here. Wait {} and try again.",
                wait_words(retry_after_secs)
            ),
            retry_after_secs,
            page,
        ),
        Err(Refusal::Busy) => too_many(
            "The server is busy",
            "Too many sign-ins are being checked right now. Try again in a few seconds.",
            5,
            page,
        ),
        Err(Refusal::Invalid) => {
            let next = next
                .map(|n| format!("&next={}", encode(&n)))
                .unwrap_or_default();
            Redirect::to(&format!(
                "{page}?error=invalid&email={}{next}",
                encode(form.email.trim())
            ))
            .into_response()
        }
        Err(Refusal::Failed(other)) => other.into_response(),
    }
}

use axum::extract::FromRequest;

pub async fn staff_login(State(state): State<AppState>, req: Request) -> Response {
    handle_sign_in(state, req, AccountKind::Staff, "/login").await
}

pub async fn portal_login(State(state): State<AppState>, req: Request) -> Response {
    handle_sign_in(state, req, AccountKind::Customer, "/portal/login").await
}

async fn handle_sign_out(state: AppState, req: Request, page: &str) -> Response {
    let ctx = req
        .extensions()
        .get::<RequestContext>()
        .cloned()
        .unwrap_or_default();
    if let Some(token) = cookie(req.headers(), state.settings.session_cookie()) {
        if let Err(e) = sign_out(&state, &token, &ctx.actor(), &ctx.ip).await {
            return e.into_response();
        }
    }
    let mut response = Redirect::to(&format!("{page}?flash=signed-out")).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, clear_cookie(&state));
    response
}

pub async fn staff_logout(State(state): State<AppState>, req: Request) -> Response {
    handle_sign_out(state, req, "/login").await
}

pub async fn portal_logout(State(state): State<AppState>, req: Request) -> Response {
    handle_sign_out(state, req, "/portal/login").await
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// Sets the invited customer's password, then signs them in.
pub async fn accept_invitation(
    State(state): State<AppState>,
    Path(token): Path<String>,
    req: Request,
) -> Response {
    let ip = client_ip(&req, state.settings.trusted_proxies);
    let page = format!("/portal/invite/{}", encode(&token));
    let Ok(Form(form)) = Form::<InviteForm>::from_request(req, &state).await else {
        return Redirect::to(&format!("{page}?error=password")).into_response();
    };
    if form.password != form.confirm {
        return Redirect::to(&format!("{page}?error=mismatch")).into_response();
    }
    let customer_id = match invitations::accept(&state.db, &token, &form.password).await {
        Ok(id) => id,
        Err(AppError::Validation { .. }) => {
            return Redirect::to(&format!("{page}?error=password")).into_response()
        }
        Err(AppError::NotFound(_)) | Err(AppError::Conflict(_)) => return invitation_gone(),
        Err(e) => return e.into_response(),
    };
    match sessions::start(&state.db, AccountKind::Customer, customer_id, &ip).await {
        Ok(token) => {
            let mut response = Redirect::to("/portal?flash=welcome").into_response();
            response
                .headers_mut()
                .insert(header::SET_COOKIE, session_cookie(&state, &token));
            response
        }
        Err(e) => e.into_response(),
    }
}

fn invitation_gone() -> Response {
    super::errors::page(
        StatusCode::GONE,
        "This invitation link no longer works",
        "Links work once and expire after 7 days. Ask us for a new one, or sign in if you already set a password.",
        ("/portal/login", "Go to sign-in"),
    )
}
