//! Sections of the staff app whose records arrive with a later capability; each shows its
//! empty state so navigation is whole from day one.
use crate::components::layout::{EmptyState, PageHeader};
use leptos::prelude::*;

#[component]
pub fn StoriesPage() -> impl IntoView {
    view! {
        <PageHeader title="Stories".into()/>
        <EmptyState title="No extra-mile stories yet"><p>"Stories of the team going the extra mile will be collected here."</p></EmptyState>
    }
}
