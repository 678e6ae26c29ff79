//! The Playbook page for managers (`/reports/playbook`): recoveries compared by what followed
//! them, per category and severity, with counts, intervals and the CSV; and the incident page's
//! "What has worked" panel, one click from adding the suggested action.
use super::api::{load_playbook, suggest_recoveries};
use super::{OutcomeCell, Playbook, PlaybookRow};
use crate::components::layout::{EmptyState, LoadError, PageHeader};
use crate::url_encoding::encode;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// "42% (31–54%)", or the count alone for a hidden cell.
fn shown(c: &OutcomeCell) -> String {
    match (c.rate, c.low, c.high) {
        (Some(r), Some(l), Some(h)) => {
            format!("{:.0}% ({:.0}–{:.0}%)", r * 100.0, l * 100.0, h * 100.0)
        }
        _ => format!("{} of {}", c.count, c.of),
    }
}

const OUTCOMES: [&str; 4] = [
    "Ordered again",
    "Referred someone",
    "Posted",
    "Next NPS a promoter",
];

/// Minor units as a decimal amount for a form ("12.50").
pub fn amount_text(minor: i64, currency: &str) -> String {
    let decimals = crate::common::currencies::decimals(currency).unwrap_or(2);
    if decimals == 0 {
        return minor.to_string();
    }
    let unit = 10i64.pow(decimals);
    format!(
        "{}.{:0width$}",
        minor / unit,
        (minor % unit).abs(),
        width = decimals as usize
    )
}

#[component]
fn Rows(rows: Vec<PlaybookRow>, first: &'static str) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table playbook-table">
                <thead><tr>
                    <th>{first}</th><th class="num">"Cases"</th>
                    {OUTCOMES.map(|o| view! { <th class="num">{o}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr class:muted=r.hidden data-key=r.key.clone()>
                            <td data-label=first>{r.label.clone()}{r.hidden.then(|| view! { <span class="small muted">" · too few to compare"</span> })}</td>
                            <td data-label="Cases" class="num">{r.cases}</td>
                            {r.outcomes.iter().zip(OUTCOMES).map(|(c, o)| view! {
                                <td data-label=o class="num">{shown(c)}</td>
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn PlaybookPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.with(|m| m.get(k).unwrap_or_default());
    let data = Resource::new(
        move || (get("category"), get("severity")),
        |(category, severity)| load_playbook(category, severity),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Comparing recoveries…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! {
                        <PageHeader title="Recovery playbook".into()/>
                        <LoadError error=e/>
                        <p><a href="/reports/playbook">"All categories"</a></p>
                    }.into_any(),
                    Ok(p) => view! { <PlaybookView p/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PlaybookView(p: Playbook) -> impl IntoView {
    let category = p
        .category
        .as_ref()
        .map(|c| c.id.to_string())
        .unwrap_or_default();
    let severity = p.severity.clone().unwrap_or_default();
    let csv = format!(
        "/reports/playbook.csv?category={}&severity={}",
        encode(&category),
        encode(&severity)
    );
    let title = match &p.category {
        Some(c) => format!("Recovery playbook · {}", c.name),
        None => "Recovery playbook".to_string(),
    };
    view! {
        <PageHeader title>
            <a class="button button-quiet" href=csv download>"Export CSV"</a>
        </PageHeader>
        <form class="toolbar report-controls" method="get" action="/reports/playbook">
            <label for="playbook-category">"Category"</label>
            <select id="playbook-category" name="category">
                <option value="" selected=category.is_empty()>"All categories"</option>
                {p.categories.iter().map(|c| view! {
                    <option value=c.id selected=category == c.id.to_string()>{c.name.clone()}</option>
                }).collect_view()}
            </select>
            <label for="playbook-severity">"Severity"</label>
            <select id="playbook-severity" name="severity">
                {[("", "Any"), ("minor", "Minor"), ("major", "Major"), ("critical", "Critical")].map(|(v, l)| view! {
                    <option value=v selected=severity == v>{l}</option>
                }).collect_view()}
            </select>
            <button class="button button-quiet" type="submit">"Show"</button>
        </form>
        <p class="muted" data-testid="playbook-summary">
            {format!("{} incidents whose {} days are over (detected in the two years before), {} too recent to judge yet.", p.cases, p.window_days, p.too_recent)}
        </p>
        <div class="alert alert-info" role="note">
            <p>"This compares what followed each kind of recovery in your own history: it shows association, not proof that the recovery caused it. Each rate comes with its 95% interval (Wilson): the range the true rate plausibly lies in, wide when there are few cases. "
            {format!("Rows with fewer than {} cases show their counts only.", p.min_cases)}</p>
        </div>
        {if p.cases == 0 {
            view! {
                <EmptyState title="No recoveries to compare yet">
                    <p>"Incidents count here once 90 days have passed since their first recovery action."</p>
                </EmptyState>
            }.into_any()
        } else {
            view! {
                <section class="card">
                    <h2>"Best approaches"</h2>
                    <p class="hint">"Action kind and how soon the first action came, best first by the lower end of the repeat-order interval."</p>
                    <Rows rows=p.approaches.clone() first="Approach"/>
                </section>
                <section class="card">
                    <h2>"All recoveries"</h2>
                    <Rows rows=vec![p.baseline.clone()] first="Baseline"/>
                </section>
                {p.groups.into_iter().map(|g| view! {
                    <section class="card" data-group=g.key.clone()>
                        <h2>{g.label.clone()}</h2>
                        <Rows rows=g.rows first="Approach"/>
                    </section>
                }).collect_view()}
                <p class="hint">{format!("Counted per incident: orders, referrals and positive or neutral posts by the customer in the {} days after the first recovery action (after detection when none was taken); the next NPS answer in those days for the promoter share. Amount bands are in {} at each action's exchange rate.", p.window_days, p.currency)}</p>
            }.into_any()
        }}
    }
}

/// "What has worked for this kind of incident": the category's best approaches, each one click
/// from being added to incident `id` (a plain form, so it works without JavaScript).
#[component]
pub fn WhatHasWorked(id: i64) -> impl IntoView {
    let data = Resource::new(move || id, suggest_recoveries);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                data.await.ok().map(|s| view! {
                    <section class="card what-worked" data-testid="what-has-worked">
                        <h2>{format!("What has worked for {} incidents", s.category)}</h2>
                        {if s.approaches.is_empty() {
                            view! { <p class="muted">{format!("Not enough history yet: an approach shows here once {} incidents of this category had it and {} days have passed.", s.min_cases, s.window_days)}</p> }.into_any()
                        } else {
                            let currency = s.currency.clone();
                            view! {
                                <ol class="plain-list">
                                    {s.approaches.into_iter().map(|a| {
                                        let ordered = &a.outcomes[0];
                                        let money = matches!(a.kind.as_deref(), Some("refund" | "credit"));
                                        let amount = a.typical_amount_minor.filter(|m| *m > 0 && money);
                                        let amount_text = amount.map(|m| amount_text(m, &currency)).unwrap_or_default();
                                        let button = match amount {
                                            Some(_) => format!("Add a {} of {amount_text} {currency}", a.label.split(' ').next().unwrap_or_default().to_lowercase()),
                                            None => format!("Add: {}", a.label.split(' ').next().unwrap_or_default()),
                                        };
                                        view! {
                                            <li data-testid="suggested-approach">
                                                <strong>{a.label.clone()}</strong>
                                                <p class="small">{format!("{} of {} customers ordered again within {} days: {}.", ordered.count, ordered.of, s.window_days, shown(ordered))}</p>
                                                {(amount.is_some() || !money).then(|| view! {
                                                <form method="post" action="/fn/incidents/action" class="inline-form">
                                                    <input type="hidden" name="id" value=id/>
                                                    <input type="hidden" name="kind" value=a.kind.clone().unwrap_or_default()/>
                                                    <input type="hidden" name="amount" value=amount_text.clone()/>
                                                    <input type="hidden" name="currency" value=currency.clone()/>
                                                    <input type="hidden" name="note" value=format!("From the playbook: {}", a.label)/>
                                                    <button class="button button-quiet" type="submit">{button}</button>
                                                </form>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ol>
                                <p class="hint">{format!("From {} past incidents of this category in your history: association, not proof.", s.cases)}</p>
                            }.into_any()
                        }}
                        {s.full_playbook.then(|| view! { <p class="small"><a href="/reports/playbook">"The whole playbook"</a></p> })}
                    </section>
                })
            })}
        </Transition>
    }
}
