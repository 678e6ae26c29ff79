//! Return on recovery across all customers (`/customers/return-on-recovery`): what was spent
//! putting things right, what those customers did afterwards, and every recovery behind it.
use super::api::load_recovery_overview;
use super::pages::money;
use super::RecoveryOverview;
use crate::components::layout::{EmptyState, LoadError, PageHeader};
use crate::components::linked_filters::{LinkedFilters, LinkedInputs};
use crate::components::pagination::Pagination;
use crate::components::time::format_date;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const PERIODS: [(&str, &str); 3] = [
    ("90d", "Last 90 days"),
    ("12m", "Last 12 months"),
    ("all", "All time"),
];

/// The scope a weekly report's figure links to, shown above the figures.
const LINKED: [(&str, &str); 2] = [("assignee", "Handled by staff member"), ("team", "Team")];

#[component]
pub fn RecoveryReturnPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.with(|m| m.get(k).unwrap_or_default());
    let period = move || query.with(|m| m.get("period").unwrap_or_else(|| "12m".into()));
    let page = move || {
        query.with(|m| {
            m.get("page")
                .and_then(|p| p.parse::<i64>().ok())
                .unwrap_or(1)
        })
    };
    let overview = Resource::new(
        move || (period(), get("assignee"), get("team"), page()),
        |(period, assignee, team, page)| load_recovery_overview(period, assignee, team, page),
    );
    view! {
        <PageHeader title="Return on recovery".into()>
            <a class="button button-quiet" href="/customers">"Customers"</a>
        </PageHeader>
        <form class="toolbar" method="get" action="/customers/return-on-recovery">
            <label for="period">"Recoveries made in"</label>
            <select id="period" name="period">
                {PERIODS.into_iter().map(|(v, l)| view! { <option value=v selected=move || period() == v>{l}</option> }).collect_view()}
                {move || {
                    let p = period();
                    (!PERIODS.iter().any(|(v, _)| *v == p)).then(|| view! { <option value=p.clone() selected>{format!("52 weeks to {p}")}</option> })
                }}
            </select>
            <LinkedInputs keys=&LINKED/>
            <button class="button button-quiet" type="submit">"Show"</button>
        </form>
        <LinkedFilters keys=&LINKED noun="recoveries" clear="/customers/return-on-recovery"/>
        <Transition fallback=|| view! { <p class="loading">"Adding up recoveries…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(o) if o.figures.recoveries == 0 => view! {
                        <EmptyState title="No paid recoveries in this period">
                            <p>"Recoveries with a refund, credit or reshipment applied appear here with what the customer did afterwards."</p>
                        </EmptyState>
                    }.into_any(),
                    Ok(o) => {
                        let mut base = format!("/customers/return-on-recovery?period={}&", o.period);
                        for k in ["assignee", "team"] {
                            let v = get(k);
                            if !v.is_empty() {
                                base.push_str(&format!("{k}={}&", crate::url_encoding::encode(&v)));
                            }
                        }
                        view! { <Overview overview=o base=base/> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn Overview(overview: RecoveryOverview, base: String) -> impl IntoView {
    let o = overview;
    let f = o.figures.clone();
    let cur = o.currency.clone();
    let m = move |minor: i64| money(minor, &cur);
    let plural = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    view! {
        <div class="figures" data-testid="recovery-figures">
            <div class="figure card"><span class="figure-label">"Spent on recoveries"</span>
                <strong class="figure-value">{m(f.spend_minor)}</strong>
                <span class="small muted">{format!("{} for {}", plural(f.recoveries, "recovery", "recoveries"), plural(f.customers, "customer", "customers"))}</span></div>
            <div class="figure card"><span class="figure-label">{format!("Their orders in the {} days after", f.window_days)}</span>
                <strong class="figure-value">{m(f.revenue_after_minor)}</strong>
                <span class="small muted">{format!("{} · {} in the {} days before", plural(f.orders_after, "order", "orders"), m(f.revenue_before_minor), f.window_days)}</span></div>
            <div class="figure card"><span class="figure-label">"Revenue of customers they referred after"</span>
                <strong class="figure-value">{m(f.referral_revenue_after_minor)}</strong></div>
            <div class="figure card"><span class="figure-label">"Referrals and posts staff attributed"</span>
                <strong class="figure-value">{f.attributed_referrals + f.attributed_posts}</strong>
                <span class="small muted">{format!("{}, {} · {} people reached", plural(f.attributed_referrals, "referral", "referrals"), plural(f.attributed_posts, "post", "posts"), f.attributed_audience)}</span></div>
        </div>
        {(!f.unrated.is_empty()).then(|| {
            let text: Vec<String> = f.unrated_by_currency().iter().map(|(c, n)| format!("{n} in {c}")).collect();
            view! {
                <div class="alert alert-warning" role="status" data-testid="unrated">
                    {format!("Left out of the money figures for want of an exchange rate to {}: {} amounts. ", o.currency, text.join(", "))}
                    <a href="/admin/rates">"Exchange rates"</a>
                </div>
            }
        })}
        <div class="card honesty">
            <h2>"How to read this"</h2>
            <p>{format!(
                "Orders and referral revenue are what these customers did in the {} days after a recovery. They are coincident in time, not proven caused: a customer who would have come back anyway counts too. Read them against the {} days before. Only referrals and posts that staff tied to a specific recovery are attributed to it.",
                f.window_days, f.window_days)}</p>
            {(f.open_windows > 0).then(|| view! { <p class="small muted">{format!(
                "{} still inside their window: their figures can still grow.", plural(f.open_windows, "recovery is", "recoveries are"))}</p> })}
            <p class="small muted">"Each order is counted once, even when a customer's windows overlap; the rows below each show their own window, so they can add up to more than the total."</p>
        </div>
        <h2>"The recoveries behind it"</h2>
        <div class="table-wrap"><table class="table" data-testid="recovery-records">
            <thead><tr><th>"Recovery"</th><th>"Customer"</th><th>"Put right"</th><th>"Spent"</th><th>"Orders after"</th><th>"Referred revenue after"</th><th>"Attributed"</th></tr></thead>
            <tbody>
                {o.items.iter().map(|r| {
                    let cur = o.currency.clone();
                    view! {
                        <tr>
                            <td data-label="Recovery"><a href=format!("/incidents/{}", r.incident_id)>{format!("#{} {}", r.incident_id, r.category)}</a>
                                {r.proactive.then(|| view! { " " <span class="badge proactive">"noticed first"</span> })}</td>
                            <td data-label="Customer"><a href=format!("/customers/{}", r.customer_id)>{r.customer.clone()}</a></td>
                            <td data-label="Put right">{format_date(r.at)}{r.window_open.then_some(" · window open")}</td>
                            <td data-label="Spent">{money(r.spend_minor, &cur)}</td>
                            <td data-label="Orders after">{format!("{} · {}", r.orders_after, money(r.revenue_after_minor, &cur))}</td>
                            <td data-label="Referred revenue after">{money(r.referral_revenue_after_minor, &cur)}</td>
                            <td data-label="Attributed">{format!("{}, {}", plural(r.attributed_referrals, "referral", "referrals"), plural(r.attributed_posts, "post", "posts"))}
                                {(r.unrated_amounts > 0).then(|| view! { <span class="small muted">{format!(" · {} amounts without a rate left out", r.unrated_amounts)}</span> })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
        <Pagination page=o.page per_page=o.page_size total=o.total base=base/>
    }
}
