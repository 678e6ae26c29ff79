//! Extra Mile: pages, components, server functions and shared types. Built for the server with
//! the `ssr` feature and for the browser with `hydrate`.
#![recursion_limit = "256"]

pub mod accounts;
pub mod admin;
#[cfg(feature = "ssr")]
pub mod assets;
#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod clock;
pub mod common;
pub mod components;
pub mod customers;
#[cfg(feature = "ssr")]
pub mod db;
pub mod error;
pub mod feedback;
pub mod imports;
pub mod incidents;
pub mod jobs;
pub mod loyalty;
pub mod notifications;
pub mod org;
#[cfg(feature = "ssr")]
pub mod org_settings;
pub mod outbox;
pub mod pages;
pub mod playbook;
pub mod portal;
pub mod reports;
pub mod request_id;
#[cfg(feature = "ssr")]
pub mod retention;
#[cfg(feature = "ssr")]
pub mod settings;
pub mod signals;
pub mod standing;
#[cfg(feature = "ssr")]
pub mod state;
pub mod stories;
pub mod themes;
pub mod url_encoding;
pub mod webhooks;

use accounts::{current_viewer, Role};
use components::layout::{use_viewer, ViewerResource};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Outlet, ParentRoute, Redirect, Route, Router, Routes, A};
use leptos_router::{path, SsrMode};
use pages::layout::{PortalLayout, StaffLayout};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    provide_request_nonce();
    #[cfg(feature = "ssr")]
    let stylesheet = assets::stylesheet_href(
        &options.site_root,
        &options.site_pkg_dir,
        &options.output_name,
    );
    #[cfg(not(feature = "ssr"))]
    let stylesheet = String::new();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" href=stylesheet/>
                // Islands: the bundle loads when the browser is idle and wakes only the
                // interactive parts; everything else is plain server-rendered HTML.
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The nonce the security middleware put in the Content-Security-Policy of this response.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

#[cfg(feature = "ssr")]
fn provide_request_nonce() {
    let nonce =
        use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(value)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(value));
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let viewer: ViewerResource = Resource::new(|| (), |_| current_viewer());
    provide_context(viewer);
    view! {
        <Title text="Extra Mile"/>
        <Router>
            // Every page renders whole on the server (Async), so it reads and its forms work
            // before the bundle loads, and without JavaScript at all.
            <Routes fallback=|| view! { <pages::errors::NotFoundPage/> }>
                <Route path=path!("/") view=Home ssr=SsrMode::Async/>
                <Route path=path!("/login") view=pages::signin::StaffLoginPage ssr=SsrMode::Async/>
                <Route path=path!("/portal/login") view=pages::signin::PortalLoginPage ssr=SsrMode::Async/>
                <Route path=path!("/portal/invite/:token") view=pages::signin::InvitePage ssr=SsrMode::Async/>
                <Route path=path!("/login/forgot") view=pages::account::StaffForgotPage ssr=SsrMode::Async/>
                <Route path=path!("/login/verify") view=pages::account::VerifyPage ssr=SsrMode::Async/>
                <Route path=path!("/portal/login/forgot") view=pages::account::PortalForgotPage ssr=SsrMode::Async/>
                <Route path=path!("/reset/:token") view=pages::account::StaffResetPage ssr=SsrMode::Async/>
                <Route path=path!("/portal/reset/:token") view=pages::account::PortalResetPage ssr=SsrMode::Async/>
                <Route path=path!("/s/:token") view=feedback::pages::survey::SurveyPage ssr=SsrMode::Async/>
                <Route path=path!("/r/:code") view=loyalty::invite::ReferralPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("/portal") view=PortalLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=portal::pages::PortalHome/>
                    <Route path=path!("/account") view=pages::account::PortalAccountPage/>
                </ParentRoute>
                <ParentRoute path=path!("") view=StaffLayout ssr=SsrMode::Async>
                    <Route path=path!("/dashboard") view=pages::dashboard::DashboardPage/>
                    <Route path=path!("/account") view=pages::account::StaffAccountPage/>
                    <Route path=path!("/notifications") view=notifications::pages::NotificationsPage/>
                    <Route path=path!("/notifications/settings") view=notifications::pages::NotificationSettingsPage/>
                    <Route path=path!("/reports/weekly") view=reports::pages::WeeklyReportPage/>
                    <Route path=path!("/reports/themes") view=themes::pages::ThemesPage/>
                    <Route path=path!("/reports/playbook") view=playbook::pages::PlaybookPage/>
                    <Route path=path!("/reports/themes/:id") view=themes::pages::ThemePage/>
                    <Route path=path!("/incidents") view=incidents::pages::list::IncidentsPage/>
                    <Route path=path!("/incidents/new") view=incidents::pages::new::NewIncidentPage/>
                    <Route path=path!("/incidents/approvals") view=incidents::pages::approvals::ApprovalsPage/>
                    <Route path=path!("/incidents/settings") view=incidents::pages::settings::IncidentSettingsPage/>
                    <Route path=path!("/incidents/rules") view=signals::pages::RulesPage/>
                    <Route path=path!("/incidents/rules/new") view=signals::pages::RuleEditPage/>
                    <Route path=path!("/incidents/rules/:id") view=signals::pages::RuleEditPage/>
                    <Route path=path!("/incidents/:id") view=incidents::pages::detail::IncidentPage/>
                    <Route path=path!("/follow-ups") view=feedback::pages::queue::FollowUpsPage/>
                    <Route path=path!("/follow-ups/settings") view=feedback::pages::settings::FollowUpSettingsPage/>
                    <Route path=path!("/follow-ups/:id") view=feedback::pages::detail::FollowUpPage/>
                    <Route path=path!("/feedback") view=feedback::pages::list::FeedbackListPage/>
                    <Route path=path!("/feedback/new") view=feedback::pages::list::NewFeedbackPage/>
                    <Route path=path!("/feedback/surveys") view=feedback::pages::survey::SurveysPage/>
                    <Route path=path!("/stories") view=stories::pages::library::StoriesPage/>
                    <Route path=path!("/stories/new") view=stories::pages::form::NewStoryPage/>
                    <Route path=path!("/stories/cadence") view=stories::pages::cadence::CadencePage/>
                    <Route path=path!("/stories/:id") view=stories::pages::detail::StoryPage/>
                    <Route path=path!("/stories/:id/edit") view=stories::pages::form::EditStoryPage/>
                    <Route path=path!("/customers") view=pages::customers::CustomersPage/>
                    <Route path=path!("/customers/new") view=pages::customers::NewCustomerPage/>
                    <Route path=path!("/customers/import") view=imports::pages::ImportsPage/>
                    <Route path=path!("/customers/return-on-recovery") view=loyalty::overview::RecoveryReturnPage/>
                    <Route path=path!("/customers/referrals") view=loyalty::word_of_mouth_page::ReferralsPage/>
                    <Route path=path!("/customers/posts") view=loyalty::word_of_mouth_page::PostsPage/>
                    <Route path=path!("/customers/referral-revenue") view=loyalty::referral_revenue_page::ReferralRevenuePage/>
                    <Route path=path!("/customers/import/:id") view=imports::pages::ImportPage/>
                    <Route path=path!("/customers/:id") view=pages::customers::CustomerPage/>
                    <Route path=path!("/customers/:id/edit") view=pages::customers::EditCustomerPage/>
                    <ParentRoute path=path!("/admin") view=AdminGate ssr=SsrMode::Async>
                        <Route path=path!("") view=admin::pages::AdminHome/>
                        <Route path=path!("/users") view=admin::pages::UsersPage/>
                        <Route path=path!("/invitations") view=admin::pages::InvitationsPage/>
                        <Route path=path!("/tokens") view=admin::pages::TokensPage/>
                        <Route path=path!("/outbox") view=admin::outbox::pages::OutboxPage/>
                        <Route path=path!("/webhooks") view=webhooks::pages::WebhooksPage/>
                        <Route path=path!("/webhooks/:id") view=webhooks::pages::WebhookLogPage/>
                        <Route path=path!("/audit") view=admin::audit::pages::AuditPage/>
                        <Route path=path!("/jobs") view=jobs::pages::views::JobsPage/>
                        <Route path=path!("/jobs/:name") view=jobs::pages::views::JobRunsPage/>
                        <Route path=path!("/organisation") view=org::pages::OrganisationPage/>
                        <Route path=path!("/rates") view=org::money::pages::RatesPage/>
                    </ParentRoute>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Sends each visitor where they belong: staff to the dashboard, customers to their portal.
#[component]
fn Home() -> impl IntoView {
    let viewer = use_viewer();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let target = match viewer.await.ok().flatten() {
                    Some(accounts::Viewer::Staff(_)) => "/dashboard",
                    Some(accounts::Viewer::Customer(_)) => "/portal",
                    None => "/login",
                };
                view! { <Redirect path=target/> }
            })}
        </Suspense>
    }
}

/// Admin pages for admins only; the server refuses others before rendering, this covers
/// navigation inside the browser.
#[component]
fn AdminGate() -> impl IntoView {
    let viewer = use_viewer();
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let is_admin = viewer.await.ok().flatten().is_some_and(|v| v.has_role(Role::Admin));
                if is_admin {
                    view! {
                        <nav class="subnav" aria-label="Admin">
                            <A href="/admin" exact=true>"Overview"</A>
                            <A href="/admin/users">"Staff accounts"</A>
                            <A href="/admin/invitations">"Portal invitations"</A>
                            <A href="/admin/tokens">"API tokens"</A>
                            <A href="/admin/outbox">"Email outbox"</A>
                            <A href="/admin/webhooks">"Webhooks"</A>
                            <A href="/admin/audit">"Audit log"</A>
                            <A href="/admin/jobs">"Jobs"</A>
                            <A href="/admin/organisation">"Organisation"</A>
                            <A href="/admin/rates">"Exchange rates"</A>
                        </nav>
                        <Outlet/>
                    }.into_any()
                } else {
                    view! { <pages::errors::ForbiddenPage/> }.into_any()
                }
            })}
        </Suspense>
    }
}
