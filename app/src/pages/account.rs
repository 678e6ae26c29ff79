//! Password pages: change it while signed in (staff and customers), ask for a reset link, and
//! set a new password from one. Plain HTML forms posted to the server, which answers with a
//! redirect carrying a `flash` or `error` code.
use super::signin::error_message;
use crate::components::flash::Flash;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The `?error=` message of the page, if any.
fn page_error() -> impl Fn() -> Option<&'static str> + Copy {
    let query = use_query_map();
    move || {
        query
            .with(|q| q.get("error"))
            .and_then(|c| error_message(&c))
    }
}

/// A new password typed twice, with the policy as a hint.
#[component]
pub(crate) fn NewPassword() -> impl IntoView {
    view! {
        <div class="field">
            <label for="password">"New password"</label>
            <p class="hint" id="password-hint">"At least 12 characters. A few unrelated words work well."</p>
            <input id="password" name="password" type="password" required minlength="12"
                autocomplete="new-password" aria-describedby="password-hint"/>
        </div>
        <div class="field">
            <label for="confirm">"Repeat the password"</label>
            <input id="confirm" name="confirm" type="password" required minlength="12" autocomplete="new-password"/>
        </div>
    }
}

#[component]
fn ChangePasswordForm(action: &'static str) -> impl IntoView {
    let error = page_error();
    view! {
        <section class="card">
            <h2>"Change your password"</h2>
            <p class="muted">"You stay signed in here; every other device you use is signed out."</p>
            {move || error().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
            <form method="post" action=action class="form" data-testid="change-password">
                <div class="field">
                    <label for="current">"Current password"</label>
                    <input id="current" name="current" type="password" required autocomplete="current-password"/>
                </div>
                <NewPassword/>
                <div class="form-actions"><button type="submit" class="button">"Change password"</button></div>
            </form>
        </section>
    }
}

/// `/account`: the signed-in staff member's own account.
#[component]
pub fn StaffAccountPage() -> impl IntoView {
    view! {
        <crate::components::layout::PageHeader title="Your account".into()/>
        <Flash/>
        <ChangePasswordForm action="/account/password"/>
    }
}

/// `/portal/account`: the signed-in customer's own account.
#[component]
pub fn PortalAccountPage() -> impl IntoView {
    view! {
        <h1>"Your account"</h1>
        <Flash/>
        <ChangePasswordForm action="/portal/account/password"/>
    }
}

#[component]
fn ForgotForm(action: &'static str, back: &'static str) -> impl IntoView {
    let error = page_error();
    let query = use_query_map();
    let email = move || query.with(|q| q.get("email").unwrap_or_default());
    view! {
        <main id="main" class="signin">
            <div class="signin-card">
                <p class="brand brand-large">"Extra Mile"</p>
                <h1>"Forgot your password?"</h1>
                <p class="muted">"Enter the email address you sign in with. We will send a link to choose a new password."</p>
                <Flash/>
                {move || error().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
                <form method="post" action=action class="form">
                    <div class="field">
                        <label for="email">"Email"</label>
                        <input id="email" name="email" type="email" required autocomplete="username" value=email/>
                    </div>
                    <button type="submit" class="button button-wide">"Send me a reset link"</button>
                </form>
                <p class="signin-foot"><a href=back>"Back to sign-in"</a></p>
            </div>
        </main>
    }
}

#[component]
pub fn StaffForgotPage() -> impl IntoView {
    view! { <ForgotForm action="/login/forgot" back="/login"/> }
}

#[component]
pub fn PortalForgotPage() -> impl IntoView {
    view! { <ForgotForm action="/portal/login/forgot" back="/portal/login"/> }
}

#[component]
fn ResetForm(prefix: &'static str) -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let error = page_error();
    view! {
        <main id="main" class="signin">
            <div class="signin-card">
                <p class="brand brand-large">"Extra Mile"</p>
                <h1>"Choose a new password"</h1>
                <p class="muted">"Setting it signs you out everywhere; then sign in with the new one."</p>
                {move || error().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
                <form method="post" action=move || format!("{prefix}/{}", token()) class="form">
                    <NewPassword/>
                    <button type="submit" class="button button-wide">"Set new password"</button>
                </form>
            </div>
        </main>
    }
}

#[component]
pub fn StaffResetPage() -> impl IntoView {
    view! { <ResetForm prefix="/reset"/> }
}

#[component]
pub fn PortalResetPage() -> impl IntoView {
    view! { <ResetForm prefix="/portal/reset"/> }
}
