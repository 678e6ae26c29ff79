//! The customer portal: a signed-in customer's own records, never anyone else's.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalOverview {
    pub name: String,
    pub email: String,
    pub referral_code: String,
    pub referral_link: String,
    pub customer_since: i64,
}

#[cfg(feature = "ssr")]
use crate::accounts::guard::{require_customer, respond};

/// The signed-in customer's summary. The customer id comes from the session, never the request.
#[server(prefix = "/fn", endpoint = "portal/summary")]
pub async fn portal_summary() -> Result<PortalOverview, AppError> {
    respond(
        async {
            let me = require_customer().await?;
            let c = crate::customers::queries::find(&me.state.db, me.viewer.customer_id).await?;
            let base = me
                .state
                .settings
                .public_url
                .trim_end_matches('/')
                .to_string();
            Ok(PortalOverview {
                name: c.name,
                email: c.email.unwrap_or_default(),
                referral_link: format!("{base}/r/{}", c.referral_code),
                referral_code: c.referral_code,
                customer_since: c.created_at,
            })
        }
        .await,
    )
}

pub mod pages {
    use super::portal_summary;
    use crate::components::flash::Flash;
    use crate::components::layout::LoadError;
    use crate::components::time::format_date;
    use leptos::prelude::*;

    /// What went wrong, what was done and what the customer was told, newest first.
    #[component]
    fn PortalIncidents() -> impl IntoView {
        use crate::incidents::api::portal_incidents;
        use crate::incidents::ActionStatus;
        let incidents = Resource::new(|| (), |_| portal_incidents());
        view! {
            <section class="card">
                <h2>"What went wrong, and what we did"</h2>
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match incidents.await {
                            Err(e) => view! { <LoadError error=e/> }.into_any(),
                            Ok(list) if list.is_empty() => view! {
                                <p>"There is nothing to report: no service problems are on record for your account."</p>
                            }.into_any(),
                            Ok(list) => view! {
                                <ul class="portal-incidents">
                                    {list.into_iter().map(|i| view! {
                                        <li class="portal-incident" data-testid="portal-incident">
                                            <h3>{format!("{} · {}", i.category, format_date(i.occurred_at))}</h3>
                                            <p class="badges">
                                                <span class=format!("badge status-{}", i.status.as_str())>{i.status.label()}</span>
                                                {i.proactive.then(|| view! { " "<span class="badge proactive">"We noticed first"</span> })}
                                            </p>
                                            {i.subject_ref.clone().map(|s| view! { <p class="muted">{format!("About {s}")}</p> })}
                                            {(!i.actions.is_empty()).then(|| view! {
                                                <ul class="actions-list">
                                                    {i.actions.iter().map(|a| {
                                                        let amount = if a.amount.minor > 0 { format!(" {}", a.amount.display()) } else { String::new() };
                                                        let state = if a.status == ActionStatus::Pending { " (being arranged)" } else { "" };
                                                        view! { <li>{format!("{}{amount}{state}", a.kind.label())}</li> }
                                                    }).collect_view()}
                                                </ul>
                                            })}
                                            {i.notices.iter().map(|n| view! {
                                                <article class="notice">
                                                    <h4>{n.subject.clone()}</h4>
                                                    <p class="prewrap">{n.body.clone()}</p>
                                                    <p class="muted small">{format_date(n.created_at)}</p>
                                                </article>
                                            }).collect_view()}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        }
    }

    #[component]
    pub fn PortalHome() -> impl IntoView {
        let summary = Resource::new(|| (), |_| portal_summary());
        view! {
            <Flash/>
            <Transition fallback=|| view! { <p class="loading">"Loading your account…"</p> }>
                {move || Suspend::new(async move {
                    match summary.await {
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                        Ok(s) => view! {
                            <h1 data-testid="portal-greeting">{format!("Welcome, {}", s.name)}</h1>
                            <p class="muted">{format!("Customer since {}", format_date(s.customer_since))}</p>
                            <PortalIncidents/>
                            <crate::stories::pages::home::PortalStories/>
                            <section class="card">
                                <h2>"Your referral link"</h2>
                                <p>"Share it with friends. We will show here how many people it brought."</p>
                                <p><code class="secret">{s.referral_link}</code></p>
                                <p class="muted">{format!("Referral code {}", s.referral_code)}</p>
                            </section>
                        }.into_any(),
                    }
                })}
            </Transition>
        }
    }
}
