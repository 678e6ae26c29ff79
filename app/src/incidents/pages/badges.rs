//! Small labels shared by incident pages: status, severity, proactive, service level.
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
