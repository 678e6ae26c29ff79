//! The referral link `/r/{code}`: the visitor sees who invited them and their code, the visit is
//! counted, and the code is remembered in their browser for 30 days so a customer created there
//! afterwards (at the counter, through the staff form) is attributed to the referrer.
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

pub const COOKIE: &str = "em_ref";

/// Opens a referral link: counts the visit and remembers the code. Returns the referrer's first
/// name, or None for a code nobody has.
#[server(prefix = "/fn", endpoint = "referrals/open")]
pub async fn open_referral(code: String) -> Result<Option<String>, AppError> {
    use crate::accounts::guard::respond;
    respond(
        async {
            let state = crate::state::AppState::get()?;
            let code = code.trim().to_uppercase();
            if code.is_empty()
                || code.len() > 20
                || !code.chars().all(|c| c.is_ascii_alphanumeric())
            {
                return Ok(None);
            }
            let visitor = crate::accounts::guard::request_context().ip;
            let found =
                super::referrals::visit(&state.db, &code, &visitor, crate::db::now_ms()).await?;
            if found.is_some() {
                use crate::accounts::cookies::{secure, Site, Spec};
                Spec {
                    name: COOKIE,
                    path: "/",
                    max_age: 30 * 86_400,
                    same_site: Site::Lax,
                    secure: secure(),
                }
                .set(&code);
            }
            Ok(found)
        }
        .await,
    )
}

/// The referral code remembered in this browser, for the staff form that creates a customer.
#[server(prefix = "/fn", endpoint = "referrals/remembered")]
pub async fn remembered_referral() -> Result<String, AppError> {
    use crate::accounts::Role;
    crate::accounts::guard::as_staff(Role::Associate, move |_| async move {
        let parts = use_context::<http::request::Parts>();
        Ok(parts
            .and_then(|p| crate::accounts::cookies::read(&p.headers, COOKIE))
            .unwrap_or_default())
    })
    .await
}

#[component]
pub fn ReferralPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default().to_uppercase());
    let opened = Resource::new(code, open_referral);
    view! {
        <main class="survey">
            <p class="survey-brand">"Extra Mile"</p>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match opened.await {
                        Ok(Some(name)) => view! {
                            <section class="card survey-card" data-testid="referral-welcome">
                                <h1>{format!("{name} thinks you will like it here")}</h1>
                                <p>"Welcome! When you join, give this code so they get the credit:"</p>
                                <p><code class="secret">{code()}</code></p>
                                <p class="muted small">"We have remembered it on this device for 30 days."</p>
                            </section>
                        }.into_any(),
                        _ => view! {
                            <section class="card survey-card">
                                <h1>"This invitation link is not valid"</h1>
                                <p>"Check the link you were sent, or ask the person who shared it for their code."</p>
                            </section>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
