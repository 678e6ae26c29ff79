//! The dashboard: the weekly view managers open on Monday morning.
use crate::components::flash::Flash;
use crate::components::layout::use_viewer;
use leptos::prelude::*;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let viewer = use_viewer();
    let greeting = move || {
        viewer
            .get()
            .and_then(|r| r.ok())
            .flatten()
            .map(|v| format!("Hello, {}", v.name().split(' ').next().unwrap_or_default()))
            .unwrap_or_else(|| "Hello".into())
    };
    view! {
        <div class="page-header">
            <Transition fallback=|| view! { <h1>"Hello"</h1> }>
                <h1 data-testid="greeting">{greeting}</h1>
            </Transition>
        </div>
        <Flash/>
        <section class="card">
            <h2>"This week"</h2>
            <p class="muted">"Incidents, feedback, stories and loyalty figures for the week appear here as the team records them."</p>
        </section>
    }
}
