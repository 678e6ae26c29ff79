//! Sections of the staff app whose records arrive with later capabilities; each shows its
//! empty state so navigation is whole from day one.
use crate::components::layout::{EmptyState, PageHeader};
use leptos::prelude::*;

#[component]
pub fn FollowUpsPage() -> impl IntoView {
    view! {
        <PageHeader title="Follow-ups".into()/>
        <EmptyState title="Nothing to follow up"><p>"Lukewarm and unhappy feedback waiting for a conversation will be listed here."</p></EmptyState>
    }
}

#[component]
pub fn StoriesPage() -> impl IntoView {
    view! {
        <PageHeader title="Stories".into()/>
        <EmptyState title="No extra-mile stories yet"><p>"Stories of the team going the extra mile will be collected here."</p></EmptyState>
    }
}
