//! The incidents list: filters, search and sort live in the URL, so a view can be shared.
use super::badges::{ProactiveBadge, SeverityBadge, SlaBadge, StatusBadge};
use crate::components::flash::Flash;
use crate::components::layout::{EmptyState, LoadError, PageHeader};
use crate::components::linked_filters::{LinkedFilters, LinkedInputs};
use crate::components::pagination::Pagination;
use crate::components::time::format_short;
use crate::incidents::api::{incident_filter_options, list_incidents};
use crate::incidents::{Severity, Source, Status};
use crate::url_encoding::encode;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const KEYS: [&str; 15] = [
    "status",
    "category",
    "severity",
    "source",
    "assignee",
    "customer",
    "week",
    "overdue",
    "q",
    "sort",
    "proactive",
    "resolved_week",
    "spend_week",
    "currency",
    "team",
];

/// The filters a report's figure links to, shown above the list rather than in the form.
const LINKED: [(&str, &str); 4] = [
    ("resolved_week", "Resolved in"),
    ("spend_week", "Recovery money applied in"),
    ("currency", "In currency"),
    ("team", "Team"),
];

#[component]
pub fn IncidentsPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.with(|m| m.get(k).unwrap_or_default());
    let page = move || get("page").parse::<i64>().unwrap_or(1).max(1);
    let incidents = Resource::new(
        move || (KEYS.map(get), page()),
        |(v, page)| {
            let [status, category, severity, source, assignee, customer, week, overdue, q, sort, proactive, resolved_week, spend_week, currency, team] =
                v;
            list_incidents(
                status,
                category,
                severity,
                source,
                assignee,
                customer,
                week,
                overdue,
                q,
                sort,
                page,
                proactive,
                resolved_week,
                spend_week,
                currency,
                team,
            )
        },
    );
    let options = Resource::new(|| (), |_| incident_filter_options());
    let viewer = crate::components::layout::use_viewer();
    let is_manager = move || {
        crate::components::layout::signed_in(viewer)
            .is_some_and(|v| v.has_role(crate::accounts::Role::Manager))
    };
    let base = move || {
        let mut s = String::from("/incidents?");
        for k in KEYS {
            let v = get(k);
            if !v.is_empty() {
                s.push_str(&format!("{k}={}&", encode(&v)));
            }
        }
        s
    };
    let opt = move |value: &'static str, label: &'static str, key: &'static str| {
        view! { <option value=value selected=move || get(key) == value>{label}</option> }
    };
    let untracked = move |k: &str| query.with_untracked(|m| m.get(k).unwrap_or_default());
    view! {
        <PageHeader title="Incidents".into()>
            <Transition fallback=|| ()>
                <Show when=is_manager>
                    <a class="button button-quiet" href="/incidents/approvals">"Approvals"</a>
                    <a class="button button-quiet" href="/incidents/rules">"Rules"</a>
                    <a class="button button-quiet" href="/incidents/settings">"Settings"</a>
                </Show>
            </Transition>
            <a class="button" href="/incidents/new">"Log incident"</a>
        </PageHeader>
        <Flash/>
        <form class="filters" method="get" action="/incidents" role="search">
            <input type="search" name="q" aria-label="Search incidents" placeholder="Search description, subject or customer" value=move || get("q")/>
            <select name="status" aria-label="Status">
                {opt("", "Any status", "status")}
                {Status::ALL.iter().map(|s| view! { <option value=s.as_str() selected=move || get("status") == s.as_str()>{s.label()}</option> }).collect_view()}
            </select>
            <select name="severity" aria-label="Severity">
                {opt("", "Any severity", "severity")}
                {Severity::ALL.iter().map(|s| view! { <option value=s.as_str() selected=move || get("severity") == s.as_str()>{s.label()}</option> }).collect_view()}
            </select>
            <select name="source" aria-label="Source">
                {opt("", "Any source", "source")}
                {Source::ALL.iter().map(|s| view! { <option value=s.as_str() selected=move || get("source") == s.as_str()>{s.label()}</option> }).collect_view()}
            </select>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let (categories, people) = options.await.unwrap_or_default();
                    view! {
                        <select name="category" aria-label="Category">
                            <option value="">"Any category"</option>
                            {categories.into_iter().map(|c| {
                                let id = c.id.to_string();
                                let selected = untracked("category") == id;
                                view! { <option value=id selected=selected>{c.name}</option> }
                            }).collect_view()}
                        </select>
                        <select name="assignee" aria-label="Assignee">
                            <option value="">"Anyone"</option>
                            {people.into_iter().map(|(id, name)| {
                                let id = id.to_string();
                                let selected = untracked("assignee") == id;
                                view! { <option value=id selected=selected>{name}</option> }
                            }).collect_view()}
                        </select>
                    }
                })}
            </Transition>
            <input type="week" name="week" aria-label="ISO week" value=move || get("week")/>
            <label class="check"><input type="checkbox" name="overdue" value="true" checked=move || matches!(get("overdue").as_str(), "1" | "true")/>" Overdue"</label>
            <label class="check"><input type="checkbox" name="proactive" value="true" checked=move || matches!(get("proactive").as_str(), "1" | "true")/>" Proactive"</label>
            <select name="sort" aria-label="Sort">
                {opt("", "Newest first", "sort")}
                {opt("oldest", "Oldest first", "sort")}
                {opt("severity", "Most severe first", "sort")}
                {opt("customer", "Customer A–Z", "sort")}
            </select>
            {move || (!get("customer").is_empty()).then(|| view! { <input type="hidden" name="customer" value=get("customer")/> })}
            <LinkedInputs keys=&LINKED/>
            <button class="button button-quiet" type="submit">"Apply"</button>
            <a class="button button-quiet" href="/incidents">"Clear"</a>
            <a class="button button-quiet" href=move || base().replacen("/incidents?", "/incidents.csv?", 1) download="incidents.csv">"Export CSV"</a>
        </form>
        <LinkedFilters keys=&LINKED noun="incidents" clear="/incidents"/>
        <Transition fallback=|| view! { <p class="loading">"Loading incidents…"</p> }>
            {move || Suspend::new(async move {
                match incidents.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(page) if page.items.is_empty() => view! {
                        <EmptyState title="No incidents match">
                            <p>"Nothing here for these filters. Log an incident when something goes wrong for a customer."</p>
                        </EmptyState>
                    }.into_any(),
                    Ok(page) => view! {
                        <div class="table-wrap">
                            <table class="table">
                                <thead><tr><th>"Incident"</th><th>"Customer"</th><th>"Status"</th><th>"Severity"</th><th>"Service level"</th><th>"Assignee"</th><th>"Detected"</th></tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|i| view! {
                                        <tr>
                                            <td data-label="Incident">
                                                <a href=format!("/incidents/{}", i.id)>{format!("#{} {}", i.id, i.category)}</a>
                                                <ProactiveBadge proactive=i.proactive/>
                                                <div class="muted clamp">{i.description.clone()}</div>
                                            </td>
                                            <td data-label="Customer" class="inline-sm"><a href=format!("/customers/{}", i.customer_id)>{i.customer_name.clone()}</a></td>
                                            <td data-label="Status" class="inline-sm"><StatusBadge status=i.status/></td>
                                            <td data-label="Severity" class="inline-sm"><SeverityBadge severity=i.severity/></td>
                                            <td data-label="Service level" class="inline-sm"><SlaBadge sla=i.sla/></td>
                                            <td data-label="Assignee" class="hide-sm">{i.assignee_name.clone().unwrap_or_else(|| "—".into())}</td>
                                            <td data-label="Detected" class="hide-sm">{format_short(i.detected_at)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pagination page=page.page per_page=page.per_page total=page.total capped=page.total_capped base=base()/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
