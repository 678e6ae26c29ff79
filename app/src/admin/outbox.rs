//! The email outbox as admins see it: every notice, whether it was delivered and why not.
use crate::error::AppError;
use crate::outbox::OutboxView;
use leptos::prelude::*;

#[server(prefix = "/fn", endpoint = "admin/outbox")]
pub async fn outbox() -> Result<OutboxView, AppError> {
    use crate::accounts::Role;
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        Ok(OutboxView {
            messages: crate::outbox::delivery::recent(&admin.state.db).await?,
            smtp_configured: admin.state.settings.smtp_configured,
        })
    })
    .await
}

pub mod pages {
    use super::outbox;
    use crate::components::layout::{EmptyState, LoadError, PageHeader};
    use crate::components::time::format_ms;
    use leptos::prelude::*;

    #[component]
    pub fn OutboxPage() -> impl IntoView {
        let data = Resource::new(|| (), |_| outbox());
        view! {
            <PageHeader title="Email outbox".into()/>
            <Transition fallback=|| view! { <p class="loading">"Loading outbox…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                        Ok(v) => view! {
                            <p class="muted">{if v.smtp_configured {
                                "Notices are delivered through SMTP; failed attempts are retried with increasing waits."
                            } else {
                                "SMTP is not configured (set SMTP_URL): notices wait here and stay visible in each customer's portal."
                            }}</p>
                            {if v.messages.is_empty() {
                                view! { <EmptyState title="No emails yet"><p>"Notices to customers appear here."</p></EmptyState> }.into_any()
                            } else {
                                view! {
                                    <ul class="outbox">
                                        {v.messages.into_iter().map(|m| view! {
                                            <li class="card">
                                                <details>
                                                    <summary>{format!("{} — to {}", m.subject, m.to_address)}</summary>
                                                    <p class="prewrap">{m.body.clone()}</p>
                                                </details>
                                                <p class="small">
                                                    <span class=format!("badge outbox-{}", m.status)>{m.status.clone()}</span>
                                                    {format!(" · created {} · {} attempt(s)", format_ms(m.created_at), m.attempts)}
                                                    {m.sent_at.map(|t| format!(" · sent {}", format_ms(t)))}
                                                </p>
                                                {m.last_error.clone().map(|e| view! { <p class="small field-error">{format!("Last error: {e}")}</p> })}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        }.into_any(),
                    }
                })}
            </Transition>
        }
    }
}
