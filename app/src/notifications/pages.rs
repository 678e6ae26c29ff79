//! The notification centre: the bell in the staff header, the page listing someone's
//! notifications, and the page where they choose how each kind reaches them. Opening and
//! marking read are plain forms, so all of it works without JavaScript; with it, the bell's
//! count refreshes every few seconds.
use super::api::{
    list_notifications, notification_preferences, unread_notifications, OpenNotification,
    ReadAllNotifications, SaveNotificationPreferences,
};
use super::{Delivery, Kind, NotificationItem};
use crate::components::flash::Flash;
use crate::components::form::{error_of, FormAlert};
use crate::components::layout::{EmptyState, LoadError, PageHeader};
use crate::components::pagination::Pagination;
use crate::components::time::format_short;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use std::time::Duration;

/// How often an open page asks for the unread count.
const REFRESH: Duration = Duration::from_secs(10);

/// The bell: a link to the notification centre with the unread count as the server knows it
/// when the page is rendered.
#[component]
pub fn NotificationBell() -> impl IntoView {
    let count = Resource::new(|| (), |_| unread_notifications());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let initial = count.await.unwrap_or(0);
                view! { <Bell initial/> }
            })}
        </Suspense>
    }
}

/// The bell in the browser: asks for the unread count every few seconds, announced politely
/// to screen readers when it changes.
#[island]
fn Bell(initial: i64) -> impl IntoView {
    let count = RwSignal::new(initial);
    // Effects run in the browser only.
    Effect::new(move |_| {
        let ask = move || {
            leptos::task::spawn_local(async move {
                if let Ok(n) = unread_notifications().await {
                    count.set(n);
                }
            })
        };
        if let Ok(handle) = set_interval_with_handle(ask, REFRESH) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <a class="bell" href="/notifications" title="Notifications">
            <svg class="bell-icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
                <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z"/>
            </svg>
            <span class="visually-hidden">"Notifications"</span>
            <span class="bell-count" aria-live="polite" aria-atomic="true" data-testid="bell-count">
                {move || {
                    let n = count.get();
                    if n > 0 {
                        view! {
                            <span class="count count-alert">{if n > 99 { "99+".to_string() } else { n.to_string() }}</span>
                            <span class="visually-hidden">" unread"</span>
                        }.into_any()
                    } else {
                        view! { <span class="visually-hidden">"none unread"</span> }.into_any()
                    }
                }}
            </span>
        </a>
    }
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || {
        query
            .with(|q| q.get("page"))
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(1)
            .max(1)
    };
    let open = ServerAction::<OpenNotification>::new();
    let read_all = ServerAction::<ReadAllNotifications>::new();
    let data = Resource::new(
        move || (page(), open.version().get(), read_all.version().get()),
        |(page, _, _)| list_notifications(page),
    );
    let error = error_of(open.value());
    view! {
        <PageHeader title="Notifications".into()>
            <a class="button button-quiet" href="/notifications/settings">"Choose what reaches you"</a>
        </PageHeader>
        <Flash/>
        <FormAlert error=error/>
        <Transition fallback=|| view! { <p class="loading">"Loading notifications…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(p) if p.items.is_empty() && p.page == 1 => view! {
                        <EmptyState title="Nothing to act on">
                            <p>"When something is assigned to you, waits for your approval or runs late, it appears here."</p>
                        </EmptyState>
                    }.into_any(),
                    Ok(p) => view! {
                        <div class="toolbar">
                            <p class="muted">{match p.unread { 0 => "All read.".to_string(), 1 => "1 unread.".to_string(), n => format!("{n} unread.") }}</p>
                            {(p.unread > 0).then(|| view! {
                                <ActionForm action=read_all attr:class="inline-form">
                                    <button class="button button-quiet" type="submit">"Mark all read"</button>
                                </ActionForm>
                            })}
                        </div>
                        <ul class="notifications">
                            {p.items.into_iter().map(|n| view! { <NotificationEntry item=n open=open/> }).collect_view()}
                        </ul>
                        <Pagination page=p.page per_page=p.per_page total=p.total base="/notifications?".into()/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One notification: its title opens it (marks it read and goes to its record).
#[component]
fn NotificationEntry(
    item: NotificationItem,
    open: ServerAction<OpenNotification>,
) -> impl IntoView {
    let class = if item.read {
        "notification"
    } else {
        "notification notification-unread"
    };
    view! {
        <li class=class>
            <ActionForm action=open attr:class="notification-form">
                <input type="hidden" name="id" value=item.id/>
                <button class="notification-open" type="submit">
                    {(!item.read).then(|| view! { <span class="visually-hidden">"Unread: "</span> })}
                    {item.title.clone()}
                </button>
            </ActionForm>
            <p class="muted small">{format!("{} · {}", item.kind.label(), format_short(item.created_at))}</p>
        </li>
    }
}

#[component]
pub fn NotificationSettingsPage() -> impl IntoView {
    let save = ServerAction::<SaveNotificationPreferences>::new();
    let data = Resource::new(move || save.version().get(), |_| notification_preferences());
    let error = error_of(save.value());
    view! {
        <PageHeader title="Notification settings".into()>
            <a class="button button-quiet" href="/notifications">"Back to notifications"</a>
        </PageHeader>
        <Flash/>
        <Transition fallback=|| view! { <p class="loading">"Loading your settings…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(prefs) => view! {
                        <section class="card">
                            <p class="hint">"For each kind of notification, choose where it reaches you. Emails go to your account's address."</p>
                            <ActionForm action=save attr:class="form">
                                <FormAlert error=error/>
                                {prefs.kinds.into_iter().map(|(kind, delivery)| view! { <DeliveryField kind delivery/> }).collect_view()}
                                <label class="checkbox">
                                    <input type="checkbox" name="daily_digest" value="on" checked=prefs.daily_digest/>
                                    " Batch my emails into one digest a day (sent from 07:00 in the organisation's time zone)"
                                </label>
                                <div class="form-actions"><button class="button" type="submit">"Save settings"</button></div>
                            </ActionForm>
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DeliveryField(kind: Kind, delivery: Delivery) -> impl IntoView {
    let id = format!("f-{}", kind.as_str());
    view! {
        <div class="field">
            <label for=id.clone()>{kind.label()}</label>
            <select id=id name=kind.as_str()>
                {Delivery::ALL.iter().map(|d| view! {
                    <option value=d.as_str() selected=*d == delivery>{d.label()}</option>
                }).collect_view()}
            </select>
        </div>
    }
}
