//! The organisation's referrals (`/customers/referrals`) and posts (`/customers/posts`): what
//! customers did for us by word of mouth, filtered by week, conversion, owner and team. The
//! tabs and filters are shared with the referral revenue list.
use super::api::{list_posts, list_referrals};
use super::pages::money;
use crate::components::layout::{EmptyState, LoadError, PageHeader};
use crate::components::linked_filters::{LinkedFilters, LinkedInputs};
use crate::components::pagination::Pagination;
use crate::components::time::format_short;
use crate::url_encoding::encode;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The filters a report's figure links to, shown above the list rather than in the form.
const LINKED: [(&str, &str); 2] = [("assignee", "Owned by staff member"), ("team", "Team")];

/// The list's query string from the URL, for pagination.
pub(super) fn base(path: &str, keys: &[&str], get: impl Fn(&str) -> String) -> String {
    let mut s = format!("{path}?");
    for k in keys {
        let v = get(k);
        if !v.is_empty() {
            s.push_str(&format!("{k}={}&", encode(&v)));
        }
    }
    s
}

/// The word-of-mouth lists' header, tabs and filter form, for the list at `action`.
#[component]
pub(super) fn Frame(action: &'static str, noun: &'static str) -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.with(|m| m.get(k).unwrap_or_default());
    let referrals = action == "/customers/referrals";
    let revenue = action == "/customers/referral-revenue";
    let tab = move |path: &'static str, label: &'static str| {
        let here = path == action;
        view! { <a href=move || format!("{path}?week={}", encode(&get("week"))) class:active=here aria-current=here.then_some("page")>{label}</a> }
    };
    view! {
        <PageHeader title="Word of mouth".into()>
            <a class="button button-quiet" href="/customers?standing=advocate">"Advocates"</a>
        </PageHeader>
        <nav class="tabs" aria-label="Word of mouth">
            {tab("/customers/referrals", "Referrals")}
            {tab("/customers/posts", "Reviews and posts")}
            {tab("/customers/referral-revenue", "Referral revenue")}
        </nav>
        <form class="filters" method="get" action=action>
            <input type="week" name="week" aria-label="ISO week" value=move || get("week")/>
            {referrals.then(|| view! {
                <label class="check"><input type="checkbox" name="converted" value="true" checked=move || matches!(get("converted").as_str(), "1" | "true")/>" Converted only"</label>
            })}
            {revenue.then(|| view! {
                <input name="currency" aria-label="Currency (ISO code)" placeholder="Currency, e.g. EUR" maxlength="3" size="14" value=move || get("currency")/>
            })}
            <LinkedInputs keys=&LINKED/>
            <button class="button button-quiet" type="submit">"Apply"</button>
            <a class="button button-quiet" href=action>"Clear"</a>
        </form>
        <LinkedFilters keys=&LINKED noun=noun clear=action/>
    }
}

#[component]
pub fn ReferralsPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.with(|m| m.get(k).unwrap_or_default());
    let page = move || get("page").parse::<i64>().unwrap_or(1).max(1);
    const KEYS: [&str; 4] = ["week", "converted", "assignee", "team"];
    let data = Resource::new(
        move || (KEYS.map(get), page()),
        |([week, converted, assignee, team], page)| {
            list_referrals(week, converted, assignee, team, page)
        },
    );
    view! {
        <Frame action="/customers/referrals" noun="referrals"/>
        <Transition fallback=|| view! { <p class="loading">"Loading referrals…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! {
                        <EmptyState title="No referrals match">
                            <p>"Referrals appear here when customers send friends through their link or staff record one on a customer's page."</p>
                        </EmptyState>
                    }.into_any(),
                    Ok(p) => view! {
                        <div class="table-wrap">
                            <table class="table">
                                <thead><tr><th>"Referred by"</th><th>"Who"</th><th>"Converted"</th><th>"Prospect revenue"</th><th>"Attributed to"</th><th>"When"</th></tr></thead>
                                <tbody>
                                    {p.items.into_iter().map(|r| view! {
                                        <tr>
                                            <td data-label="Referred by"><a href=format!("/customers/{}", r.referrer_id)>{r.referrer_name.clone()}</a></td>
                                            <td data-label="Who">{match r.referred_customer_id {
                                                Some(id) => view! { <a href=format!("/customers/{id}")>{r.who.clone()}</a> }.into_any(),
                                                None => view! { <span>{r.who.clone()}</span> }.into_any(),
                                            }}</td>
                                            <td data-label="Converted">{if r.converted { "Yes" } else { "Not yet" }}</td>
                                            <td data-label="Prospect revenue">{r.prospect_revenue_minor.map(|m| money(m, &r.currency)).unwrap_or_else(|| "—".into())}</td>
                                            <td data-label="Attributed to">{attribution(r.incident_id, r.story_id)}</td>
                                            <td data-label="When">{format_short(r.occurred_at)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pagination page=p.page per_page=p.page_size total=p.total capped=p.total_capped base=base("/customers/referrals", &KEYS, get)/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn PostsPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.with(|m| m.get(k).unwrap_or_default());
    let page = move || get("page").parse::<i64>().unwrap_or(1).max(1);
    const KEYS: [&str; 3] = ["week", "assignee", "team"];
    let data = Resource::new(
        move || (KEYS.map(get), page()),
        |([week, assignee, team], page)| list_posts(week, assignee, team, page),
    );
    view! {
        <Frame action="/customers/posts" noun="posts"/>
        <Transition fallback=|| view! { <p class="loading">"Loading posts…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! {
                        <EmptyState title="No reviews or posts match">
                            <p>"Reviews, posts and testimonials appear here once staff record them on a customer's page."</p>
                        </EmptyState>
                    }.into_any(),
                    Ok(p) => view! {
                        <div class="table-wrap">
                            <table class="table">
                                <thead><tr><th>"Customer"</th><th>"What"</th><th>"Audience"</th><th>"Sentiment"</th><th>"Attributed to"</th><th>"When"</th></tr></thead>
                                <tbody>
                                    {p.items.into_iter().map(|x| view! {
                                        <tr>
                                            <td data-label="Customer"><a href=format!("/customers/{}", x.customer_id)>{x.customer_name.clone()}</a></td>
                                            <td data-label="What">{match x.url.clone().filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
                                                Some(u) => view! { <a href=u rel="noopener noreferrer">{format!("{} on {}", x.kind, x.platform)}</a> }.into_any(),
                                                None => view! { <span>{format!("{} on {}", x.kind, x.platform)}</span> }.into_any(),
                                            }}</td>
                                            <td data-label="Audience">{x.audience}</td>
                                            <td data-label="Sentiment">{x.sentiment.clone()}</td>
                                            <td data-label="Attributed to">{attribution(x.incident_id, x.story_id)}</td>
                                            <td data-label="When">{format_short(x.occurred_at)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pagination page=p.page per_page=p.page_size total=p.total capped=p.total_capped base=base("/customers/posts", &KEYS, get)/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The incident or story a referral or post is attributed to, linked.
pub(super) fn attribution(incident: Option<i64>, story: Option<i64>) -> AnyView {
    match (incident, story) {
        (Some(i), _) => {
            view! { <a href=format!("/incidents/{i}")>{format!("Incident #{i}")}</a> }.into_any()
        }
        (None, Some(s)) => {
            view! { <a href=format!("/stories/{s}")>{format!("Story #{s}")}</a> }.into_any()
        }
        (None, None) => view! { <span class="muted">"—"</span> }.into_any(),
    }
}
