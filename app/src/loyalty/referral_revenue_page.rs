//! The amounts behind referral revenue (`/customers/referral-revenue`): each order of a referred
//! customer and each prospect's recorded revenue, in its own currency and converted.
use super::api::list_referral_revenue;
use super::pages::money;
use super::word_of_mouth_page::{attribution, base, Frame};
use crate::components::layout::{EmptyState, LoadError};
use crate::components::pagination::Pagination;
use crate::components::time::format_short;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ReferralRevenuePage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.with(|m| m.get(k).unwrap_or_default());
    let page = move || get("page").parse::<i64>().unwrap_or(1).max(1);
    const KEYS: [&str; 4] = ["week", "currency", "assignee", "team"];
    let data = Resource::new(
        move || (KEYS.map(get), page()),
        |([week, currency, assignee, team], page)| {
            list_referral_revenue(week, currency, assignee, team, page)
        },
    );
    view! {
        <Frame action="/customers/referral-revenue" noun="referral revenue"/>
        <Transition fallback=|| view! { <p class="loading">"Loading referral revenue…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! {
                        <EmptyState title="No referral revenue matches">
                            <p>"Orders of referred customers, and revenue staff record for referred prospects, appear here."</p>
                        </EmptyState>
                    }.into_any(),
                    Ok(p) => view! {
                        <div class="table-wrap">
                            <table class="table">
                                <thead><tr><th>"Referred by"</th><th>"Who"</th><th>"What"</th><th>"Amount"</th><th>{format!("In {}", p.currency)}</th><th>"Attributed to"</th><th>"When"</th></tr></thead>
                                <tbody>
                                    {p.items.into_iter().map(|x| view! {
                                        <tr>
                                            <td data-label="Referred by"><a href=format!("/customers/{}", x.referrer_id)>{x.referrer_name.clone()}</a></td>
                                            <td data-label="Who">{match x.referred_customer_id {
                                                Some(id) => view! { <a href=format!("/customers/{id}")>{x.who.clone()}</a> }.into_any(),
                                                None => view! { <span>{x.who.clone()}</span> }.into_any(),
                                            }}</td>
                                            <td data-label="What">{match x.order_id {
                                                Some(o) => format!("Order #{o}"),
                                                None => "Recorded for a prospect".into(),
                                            }}</td>
                                            <td data-label="Amount" class="num">{money(x.amount_minor, &x.currency)}</td>
                                            <td data-label="Converted" class="num">{match x.converted_minor {
                                                _ if x.currency == p.currency => "—".to_string(),
                                                Some(m) => format!("= {}", money(m, &p.currency)),
                                                None => format!("no rate to {}", p.currency),
                                            }}</td>
                                            <td data-label="Attributed to">{attribution(x.incident_id, x.story_id)}</td>
                                            <td data-label="When">{format_short(x.at)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pagination page=p.page per_page=p.page_size total=p.total capped=p.total_capped base=base("/customers/referral-revenue", &KEYS, get)/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
