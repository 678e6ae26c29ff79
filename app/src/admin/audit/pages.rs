//! Admin → Audit log: the filters are a plain GET form, so a view works without JavaScript and
//! can be shared as a link; "Older entries" carries the cursor, "CSV" the filters in view.
use super::{audit_log, changes, record_link, AuditEntry, RECORD_TYPES};
use crate::components::layout::{EmptyState, LoadError, PageHeader};
use crate::components::time::format_ms;
use crate::url_encoding::encode;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The filters the page reads from its URL, in the order the server function takes them.
const KEYS: [&str; 6] = ["actor", "action", "entity", "entity_id", "from", "to"];

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.with(|m| m.get(k).unwrap_or_default());
    let untracked = move |k: &str| query.with_untracked(|m| m.get(k).unwrap_or_default());
    let data = Resource::new(
        move || (KEYS.map(get), get("cursor")),
        |(v, cursor)| {
            let [actor, action, entity, entity_id, from, to] = v;
            audit_log(actor, action, entity, entity_id, from, to, cursor)
        },
    );
    // The filters in view as a query string, for the CSV export and the next page.
    let filters = move || {
        KEYS.iter()
            .filter_map(|k| {
                let v = get(k);
                (!v.is_empty()).then(|| format!("{k}={}", encode(&v)))
            })
            .collect::<Vec<_>>()
            .join("&")
    };
    let with = move |extra: String| {
        let f = filters();
        match (f.is_empty(), extra.is_empty()) {
            (true, true) => String::new(),
            (true, false) => format!("?{extra}"),
            (false, true) => format!("?{f}"),
            (false, false) => format!("?{f}&{extra}"),
        }
    };
    view! {
        <PageHeader title="Audit log".into()>
            <a class="button button-quiet" href=move || format!("/admin/audit.csv{}", with(String::new())) download>"Export CSV"</a>
        </PageHeader>
        <p class="muted">"Every change made in Extra Mile, every sign-in and every refusal: who, when, what, and the record before and after. Newest first."</p>
        <form class="filters audit-filters" method="get" action="/admin/audit" role="search">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let people = data.await.map(|v| v.people).unwrap_or_default();
                    let current = untracked("actor");
                    let known = people.iter().any(|(id, _)| format!("staff:{id}") == current)
                        || ["", "system", "anonymous", "api_token", "customer"].contains(&current.as_str());
                    view! {
                        <select name="actor" aria-label="Person">
                            <option value="" selected=current.is_empty()>"Anyone"</option>
                            {people.into_iter().map(|(id, name)| {
                                let value = format!("staff:{id}");
                                let selected = value == current;
                                view! { <option value=value selected=selected>{name}</option> }
                            }).collect_view()}
                            <option value="customer" selected=current == "customer">"Any customer"</option>
                            <option value="api_token" selected=current == "api_token">"Any API token"</option>
                            <option value="system" selected=current == "system">"The system"</option>
                            <option value="anonymous" selected=current == "anonymous">"Anonymous visitors"</option>
                            {(!known).then(|| view! { <option value=current.clone() selected=true>{current.clone()}</option> })}
                        </select>
                    }
                })}
            </Transition>
            <input type="text" name="action" aria-label="Action" placeholder="Action, e.g. incident.opened" value=move || get("action")/>
            <select name="entity" aria-label="Record type">
                <option value="" selected=move || get("entity").is_empty()>"Any record"</option>
                {RECORD_TYPES.iter().map(|(value, label)| view! {
                    <option value=*value selected=move || get("entity") == *value>{*label}</option>
                }).collect_view()}
                {move || {
                    let e = get("entity");
                    (!e.is_empty() && !RECORD_TYPES.iter().any(|(v, _)| *v == e))
                        .then(|| view! { <option value=e.clone() selected=true>{e.clone()}</option> })
                }}
            </select>
            <input type="text" name="entity_id" aria-label="Record id" placeholder="Record id" value=move || get("entity_id")/>
            <label class="check">"From "<input type="date" name="from" value=move || get("from")/></label>
            <label class="check">"To "<input type="date" name="to" value=move || get("to")/></label>
            <button class="button button-quiet" type="submit">"Apply"</button>
            <a class="button button-quiet" href="/admin/audit">"Clear"</a>
        </form>
        <Transition fallback=|| view! { <p class="loading">"Loading the audit log…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(v) if v.entries.is_empty() => view! {
                        <EmptyState title="No entries match">
                            <p>"Nothing was recorded for these filters."</p>
                        </EmptyState>
                    }.into_any(),
                    Ok(v) => {
                        let paged = !untracked("cursor").is_empty();
                        view! {
                            <div class="table-wrap">
                                <table class="table audit-table">
                                    <thead><tr><th>"When"</th><th>"Who"</th><th>"What"</th><th>"Record"</th><th>"Change"</th><th>"Client"</th></tr></thead>
                                    <tbody>{v.entries.into_iter().map(|e| view! { <AuditRow entry=e/> }).collect_view()}</tbody>
                                </table>
                            </div>
                            <nav class="pagination" aria-label="Audit log pages">
                                {paged.then(|| view! { <a class="button button-quiet" href=format!("/admin/audit{}", with(String::new()))>"Newest entries"</a> })}
                                {v.next.map(|c| view! {
                                    <a class="button button-quiet" rel="next" href=format!("/admin/audit{}", with(format!("cursor={}", encode(&c))))>"Older entries"</a>
                                })}
                            </nav>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn AuditRow(entry: AuditEntry) -> impl IntoView {
    let who = match entry.actor_kind.as_str() {
        "staff" => "Staff",
        "customer" => "Customer",
        "api_token" => "API token",
        "system" => "System",
        _ => "Anonymous",
    };
    let by_actor = entry.actor_id.map(|id| {
        format!(
            "/admin/audit?actor={}",
            encode(&format!("{}:{id}", entry.actor_kind))
        )
    });
    let record = match &entry.entity_id {
        Some(id) => format!("{} {id}", entry.entity),
        None => entry.entity.clone(),
    };
    let link = record_link(&entry.entity, entry.entity_id.as_deref());
    let list = changes(entry.before.as_ref(), entry.after.as_ref());
    let raw = (entry.before.is_some() || entry.after.is_some()).then(|| {
        let show = |v: &Option<serde_json::Value>| {
            v.as_ref()
                .map(|v| serde_json::to_string_pretty(v).unwrap_or_default())
                .unwrap_or_else(|| "—".into())
        };
        (show(&entry.before), show(&entry.after))
    });
    view! {
        <tr>
            <td data-label="When"><time>{format_ms(entry.at)}</time></td>
            <td data-label="Who">
                <span class="muted small">{who}" "</span>
                {match by_actor {
                    Some(href) => view! { <a href=href>{entry.actor_label.clone()}</a> }.into_any(),
                    None => view! { <span>{entry.actor_label.clone()}</span> }.into_any(),
                }}
            </td>
            <td data-label="What"><code>{entry.action.clone()}</code></td>
            <td data-label="Record">
                {match link {
                    Some(href) => view! { <a href=href>{record.clone()}</a> }.into_any(),
                    None => view! { <span>{record.clone()}</span> }.into_any(),
                }}
                {entry.external_ref.clone().map(|r| view! { <span class="muted small">{format!(" · ref {r}")}</span> })}
            </td>
            <td data-label="Change">
                {(!list.is_empty()).then(|| view! {
                    <ul class="audit-changes">
                        {list.into_iter().map(|c| view! {
                            <li>
                                {(!c.field.is_empty()).then(|| view! { <span class="audit-field">{format!("{}: ", c.field)}</span> })}
                                <del>{c.before.unwrap_or_else(|| "—".into())}</del>
                                " → "
                                <ins>{c.after.unwrap_or_else(|| "—".into())}</ins>
                            </li>
                        }).collect_view()}
                    </ul>
                })}
                {raw.map(|(before, after)| view! {
                    <details class="audit-json">
                        <summary>"Before and after"</summary>
                        <div class="audit-json-pair">
                            <pre aria-label="Before">{before}</pre>
                            <pre aria-label="After">{after}</pre>
                        </div>
                    </details>
                })}
            </td>
            <td data-label="Client" class="small">
                <div>{entry.ip.clone().unwrap_or_else(|| "—".into())}</div>
                <div class="muted">{entry.request_id.clone().map(|r| format!("request {r}"))}</div>
            </td>
        </tr>
    }
}
