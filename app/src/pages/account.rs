//! Password pages: change it while signed in (staff and customers), ask for a reset link, and
//! set a new password from one. Plain HTML forms posted to the server, which answers with a
//! redirect carrying a `flash` or `error` code.
use crate::components::flash::Flash;
use crate::components::password::{error_message, NewPassword};
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
        <TwoFactorSection/>
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
                <p class="signin-link"><a href=back>"Back to sign-in"</a></p>
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

/// `/login/verify`: the second step of a staff sign-in.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let error = page_error();
    view! {
        <main id="main" class="signin">
            <div class="signin-card">
                <p class="brand brand-large">"Extra Mile"</p>
                <h1>"Two-factor authentication"</h1>
                <p class="muted">"Enter the six-digit code your authenticator app shows for Extra Mile, or one of your recovery codes."</p>
                {move || error().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
                <form method="post" action="/login/verify" class="form">
                    <div class="field">
                        <label for="code">"Code"</label>
                        <input id="code" name="code" type="text" required autocomplete="one-time-code"
                            autocapitalize="off" spellcheck="false" maxlength="64" autofocus/>
                    </div>
                    <button type="submit" class="button button-wide">"Verify and sign in"</button>
                </form>
                <p class="signin-link"><a href="/login">"Start again"</a></p>
            </div>
        </main>
    }
}

/// The account page's two-factor section: set up with a QR code, confirm with a first code,
/// see the recovery codes once, or switch it off with the password.
#[component]
fn TwoFactorSection() -> impl IntoView {
    use crate::accounts::two_factor::{
        two_factor_status, BeginTwoFactor, ConfirmTwoFactor, DisableTwoFactor,
    };
    use crate::components::form::FormAlert;
    use crate::components::layout::LoadError;
    let begin = ServerAction::<BeginTwoFactor>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let status = Resource::new(
        move || {
            (
                begin.version().get(),
                confirm.version().get(),
                disable.version().get(),
            )
        },
        |_| two_factor_status(),
    );
    let begin_error = Signal::derive(move || begin.value().get().and_then(|r| r.err()));
    let confirm_error = Signal::derive(move || confirm.value().get().and_then(|r| r.err()));
    let disable_error = Signal::derive(move || disable.value().get().and_then(|r| r.err()));
    view! {
        <section class="card" id="two-factor">
            <h2>"Two-factor authentication"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                        Ok(s) => view! {
                            {(!s.new_recovery_codes.is_empty()).then(|| view! {
                                <div class="alert" role="status" data-testid="recovery-codes">
                                    <p><strong>"Your recovery codes, shown this once."</strong>" Each works once if you lose your phone. Print them or keep them in a password manager."</p>
                                    <ul class="recovery-codes">
                                        {s.new_recovery_codes.iter().map(|c| view! { <li><code>{c.clone()}</code></li> }).collect_view()}
                                    </ul>
                                </div>
                            })}
                            {match (s.enabled, s.pending.clone()) {
                                (true, _) => view! {
                                    <p data-testid="two-factor-state">{format!("On. {} recovery codes left.", s.recovery_codes_left)}</p>
                                    <ActionForm action=disable attr:class="form">
                                        <FormAlert error=disable_error/>
                                        <div class="field">
                                            <label for="tf-password">"Your password, to switch it off"</label>
                                            <input id="tf-password" name="password" type="password" required autocomplete="current-password"/>
                                        </div>
                                        <div class="form-actions"><button class="button button-quiet" type="submit">"Switch off two-factor authentication"</button></div>
                                    </ActionForm>
                                }.into_any(),
                                (false, Some(p)) => view! {
                                    <p>"Scan this code with an authenticator app (such as 1Password, Google Authenticator or Aegis), then enter the six digits it shows."</p>
                                    <img class="qr" src=p.qr alt="QR code for your authenticator app" width="220" height="220"/>
                                    <p class="muted">"Cannot scan it? Type this key instead: "<code class="secret" data-testid="totp-secret">{p.secret}</code></p>
                                    <ActionForm action=confirm attr:class="form">
                                        <FormAlert error=confirm_error/>
                                        <div class="field">
                                            <label for="tf-code">"Six-digit code"</label>
                                            <input id="tf-code" name="code" type="text" inputmode="numeric" required
                                                autocomplete="one-time-code" maxlength="7"/>
                                        </div>
                                        <div class="field">
                                            <label for="tf-confirm-password">"Your password"</label>
                                            <input id="tf-confirm-password" name="password" type="password" required autocomplete="current-password"/>
                                        </div>
                                        <div class="form-actions"><button class="button" type="submit">"Turn on two-factor authentication"</button></div>
                                    </ActionForm>
                                }.into_any(),
                                (false, None) => view! {
                                    <p data-testid="two-factor-state">{if s.required {
                                        "Off. Your organisation requires it for your role: set it up to continue."
                                    } else {
                                        "Off. A code from your phone at every sign-in keeps your account safe even if your password leaks."
                                    }}</p>
                                    <ActionForm action=begin attr:class="form">
                                        <FormAlert error=begin_error/>
                                        <button class="button" type="submit">"Set up two-factor authentication"</button>
                                    </ActionForm>
                                }.into_any(),
                            }}
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
