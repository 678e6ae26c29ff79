//! The staff layout (header, navigation with the follow-up badge, sign-out) and the customer
//! portal layout: the frame around every page, above all the domains it links to.
use crate::accounts::Role;
use crate::components::enhanced_forms::EnhancedForms;
use crate::components::layout::{signed_in, use_viewer};
use crate::notifications::pages::NotificationBell;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

#[component]
fn SignOut(action: &'static str) -> impl IntoView {
    view! {
        <form method="post" action=action class="signout">
            <button type="submit" class="button button-quiet">"Sign out"</button>
        </form>
    }
}

#[component]
pub fn StaffLayout() -> impl IntoView {
    let viewer = use_viewer();
    let is_admin = move || signed_in(viewer).is_some_and(|v| v.has_role(Role::Admin));
    let is_manager = move || signed_in(viewer).is_some_and(|v| v.has_role(Role::Manager));
    let name = move || {
        signed_in(viewer)
            .map(|v| v.name().to_string())
            .unwrap_or_default()
    };
    view! {
        <a class="skip" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="/dashboard">"Extra Mile"</a>
            <Transition fallback=|| ()>
                <a class="who" href="/account" title="Your account">{name}</a>
            </Transition>
            <NotificationBell/>
            <SignOut action="/logout"/>
        </header>
        <nav class="mainnav" aria-label="Main">
            <A href="/dashboard">"Dashboard"</A>
            <A href="/incidents">"Incidents"</A>
            <A href="/follow-ups">"Follow-ups"<FollowUpBadge/></A>
            <A href="/stories">"Stories"</A>
            <A href="/customers">"Customers"</A>
            <Transition fallback=|| ()>
                <Show when=is_manager>
                    <A href="/reports/themes">"Themes"</A>
                    <A href="/reports/playbook">"Playbook"</A>
                </Show>
            </Transition>
            <Transition fallback=|| ()>
                <Show when=is_admin>
                    <A href="/admin">"Admin"</A>
                </Show>
            </Transition>
        </nav>
        <main id="main" class="page">
            <Outlet/>
        </main>
        <EnhancedForms/>
    }
}

/// Open follow-ups assigned to the viewer, and how many of all are overdue.
#[component]
fn FollowUpBadge() -> impl IntoView {
    use crate::feedback::BadgeCounts;
    let counts = Resource::new(|| (), |_| crate::feedback::api::follow_up_counts());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                counts.await.ok().map(|c| view! {
                    {(c.mine > 0).then(|| view! { <span class="count" title="Assigned to you">{BadgeCounts::show(c.mine)}</span> })}
                    {(c.overdue > 0).then(|| view! { <span class="count count-alert" title="Overdue">{BadgeCounts::show(c.overdue)}</span> })}
                })
            })}
        </Transition>
    }
}

#[component]
pub fn PortalLayout() -> impl IntoView {
    let viewer = use_viewer();
    let name = move || {
        signed_in(viewer)
            .map(|v| v.name().to_string())
            .unwrap_or_default()
    };
    view! {
        <a class="skip" href="#main">"Skip to content"</a>
        <header class="topbar topbar-portal">
            <a class="brand" href="/portal">"Extra Mile"<span class="brand-sub">" · your account"</span></a>
            <Transition fallback=|| ()>
                <a class="who" href="/portal/account" title="Your account">{name}</a>
            </Transition>
            <SignOut action="/portal/logout"/>
        </header>
        <main id="main" class="page page-narrow">
            <Outlet/>
        </main>
        <EnhancedForms/>
    }
}
