//! Sign-in pages for staff and customers, and the page where an invited customer sets a
//! password. They post plain HTML forms to the server, so they work before (and without)
//! JavaScript, and the server sets the session cookie on the response.
use crate::components::flash::Flash;
use crate::components::password::error_message;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
fn SignInForm(
    action: &'static str,
    title: &'static str,
    intro: &'static str,
    forgot: &'static str,
) -> impl IntoView {
    let query = use_query_map();
    let error = move || {
        query
            .with(|q| q.get("error"))
            .and_then(|c| error_message(&c))
    };
    let email = move || query.with(|q| q.get("email").unwrap_or_default());
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    view! {
        <main id="main" class="signin">
            <div class="signin-card">
                <p class="brand brand-large">"Extra Mile"</p>
                <h1>{title}</h1>
                <p class="muted">{intro}</p>
                <Flash/>
                {move || error().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
                <form method="post" action=action class="form">
                    <input type="hidden" name="next" value=next/>
                    <div class="field">
                        <label for="email">"Email"</label>
                        <input id="email" name="email" type="email" required autocomplete="username" value=email autofocus/>
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
                        <input id="password" name="password" type="password" required autocomplete="current-password"/>
                    </div>
                    <button type="submit" class="button button-wide">"Sign in"</button>
                </form>
                <p class="signin-link"><a href=forgot>"Forgot your password?"</a></p>
            </div>
        </main>
    }
}

#[component]
pub fn StaffLoginPage() -> impl IntoView {
    view! {
        <SignInForm action="/login" forgot="/login/forgot" title="Sign in" intro="For staff of the service team. Customers sign in at /portal/login."/>
        <p class="signin-foot"><a href="/portal/login">"Are you a customer? Sign in to your portal."</a></p>
    }
}

#[component]
pub fn PortalLoginPage() -> impl IntoView {
    view! {
        <SignInForm action="/portal/login" forgot="/portal/login/forgot" title="Your account" intro="See what went wrong, what we did about it, and your referral link."/>
    }
}

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let query = use_query_map();
    let error = move || {
        query
            .with(|q| q.get("error"))
            .and_then(|c| error_message(&c))
    };
    view! {
        <main id="main" class="signin">
            <div class="signin-card">
                <p class="brand brand-large">"Extra Mile"</p>
                <h1>"Set your password"</h1>
                <p class="muted">"Choose a password for your customer portal. You will sign in with your email address."</p>
                {move || error().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
                <form method="post" action=move || format!("/portal/invite/{}", token()) class="form">
                    <crate::components::password::NewPassword/>
                    <button type="submit" class="button button-wide">"Set password and sign in"</button>
                </form>
            </div>
        </main>
    }
}
