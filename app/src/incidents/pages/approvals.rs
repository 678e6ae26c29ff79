//! The approval queue: refunds and credits over the limit, waiting for a manager.
use super::badges::DecisionForm;
use crate::components::flash::Flash;
use crate::components::form::FormAlert;
use crate::components::layout::{EmptyState, LoadError, PageHeader};
use crate::components::time::format_ms;
use crate::incidents::api::{pending_approvals, DecideAction};
use leptos::prelude::*;

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let decide = ServerAction::<DecideAction>::new();
    let queue = Resource::new(move || decide.version().get(), |_| pending_approvals());
    let error = Signal::derive(move || decide.value().get().and_then(|r| r.err()));
    view! {
        <PageHeader title="Approvals".into()/>
        <p class="muted">"Refunds and credits over the approval limit wait here. Approving applies them at once."</p>
        <Flash/>
        <FormAlert error=error/>
        <Transition fallback=|| view! { <p class="loading">"Loading approvals…"</p> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <EmptyState title="Nothing waits for approval"><p>"Refunds and credits under the limit are applied by the team directly."</p></EmptyState>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="approvals">
                            {list.into_iter().map(|p| {
                                let a = p.action;
                                view! {
                                    <li class="card">
                                        <p><strong>{format!("{} of {}", a.kind.label(), a.amount.display())}</strong>{format!(" for {}", p.customer_name)}</p>
                                        <p><a href=format!("/incidents/{}", a.incident_id)>{format!("Incident #{}", a.incident_id)}</a>": "{p.incident_description}</p>
                                        {a.note.clone().map(|n| view! { <p class="muted">{n}</p> })}
                                        <p class="muted small">{format!("Proposed by {} · {}", a.created_by.clone().unwrap_or_default(), format_ms(a.created_at))}</p>
                                        <DecisionForm action=decide action_id=a.id/>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
