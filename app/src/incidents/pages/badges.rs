//! Small pieces shared by incident pages: status, severity, proactive and service-level labels,
//! and the approve/decline form.
use crate::components::time::format_ms;
use crate::incidents::sla::SlaState;
use crate::incidents::{Severity, Status};
use leptos::prelude::*;

#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    view! { <span class=format!("badge status-{}", status.as_str())>{status.label()}</span> }
}

#[component]
pub fn SeverityBadge(severity: Severity) -> impl IntoView {
    view! { <span class=format!("badge severity-{}", severity.as_str())>{severity.label()}</span> }
}

#[component]
pub fn ProactiveBadge(proactive: bool) -> impl IntoView {
    proactive.then(|| view! { <span class="badge proactive" title="Detected before the customer complained">"Proactive"</span> })
}

#[component]
pub fn SlaBadge(sla: SlaState) -> impl IntoView {
    let title = match sla {
        SlaState::OnTrack { due } | SlaState::DueSoon { due } | SlaState::Overdue { due } => {
            format!("Due {}", format_ms(due))
        }
        SlaState::Met => "Resolved".to_string(),
    };
    view! { <span class=sla.class() title=title>{sla.label()}</span> }
}

/// Approve or decline one pending refund or credit, with an optional note (needed to decline).
#[component]
pub fn DecisionForm(
    action: ServerAction<crate::incidents::api::DecideAction>,
    action_id: i64,
) -> impl IntoView {
    let note_id = format!("decision-note-{action_id}");
    view! {
        <ActionForm action=action attr:class="inline-form">
            <input type="hidden" name="action_id" value=action_id/>
            <label class="visually-hidden" for=note_id.clone()>"Note"</label>
            <input id=note_id name="note" placeholder="Note (needed to decline)"/>
            <button class="button" type="submit" name="decision" value="approve">"Approve"</button>
            <button class="button button-danger" type="submit" name="decision" value="decline">"Decline"</button>
        </ActionForm>
    }
}
