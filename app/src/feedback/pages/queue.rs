//! The follow-up queues: mine, team, overdue, due today and closed, riskiest first.
use super::badges::{quoted, AssessmentBadge, DueBadge, Reasons, Score};
use crate::components::flash::Flash;
use crate::components::layout::{EmptyState, LoadError, PageHeader};
use crate::components::linked_filters::LinkedFilters;
use crate::components::pagination::Pagination;
use crate::components::time::format_short;
use crate::feedback::api::list_follow_ups;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const TABS: [(&str, &str); 6] = [
    ("mine", "Mine"),
    ("team", "Team"),
    ("overdue", "Overdue"),
    ("today", "Due today"),
    ("closed", "Closed"),
    ("all", "All"),
];

/// The filters a report's figure opens a queue with.
const LINKED: [(&str, &str); 8] = [
    ("closed_week", "Closed in"),
    ("overdue_week", "Overdue at the end of"),
    ("due", "Closed"),
    ("outcome", "Outcome"),
    ("assessment", "Assessment"),
    ("reached", "Reached the customer"),
    ("assignee", "Assigned to staff member"),
    ("team", "Team"),
];

#[component]
pub fn FollowUpsPage() -> impl IntoView {
    let query = use_query_map();
    let queue = move || query.with(|q| q.get("queue").unwrap_or_else(|| "mine".into()));
    let page = move || {
        query.with(|q| {
            q.get("page")
                .and_then(|p| p.parse::<i64>().ok())
                .unwrap_or(1)
        })
    };
    let filters = move || query.with(|q| LINKED.map(|(k, _)| q.get(k).unwrap_or_default()));
    let data = Resource::new(
        move || (queue(), page(), filters()),
        |(q, p, f)| {
            let [closed_week, overdue_week, due, outcome, assessment, reached, assignee, team] = f;
            list_follow_ups(
                q,
                p,
                closed_week,
                overdue_week,
                due,
                outcome,
                assessment,
                reached,
                assignee,
                team,
            )
        },
    );
    // The queue and its filters as a query string, for pagination and export.
    let filtered = move || {
        let mut s = format!("queue={}&", queue());
        for ((k, _), v) in LINKED.iter().zip(filters()) {
            if !v.is_empty() {
                s.push_str(&format!("{k}={}&", crate::url_encoding::encode(&v)));
            }
        }
        s
    };
    let viewer = crate::components::layout::use_viewer();
    let is_manager = move || {
        crate::components::layout::signed_in(viewer)
            .is_some_and(|v| v.has_role(crate::accounts::Role::Manager))
    };
    view! {
        <PageHeader title="Follow-ups".into()>
            <Transition fallback=|| ()>
                <Show when=is_manager>
                    <a class="button button-quiet" href="/follow-ups/settings">"Settings"</a>
                </Show>
            </Transition>
            <a class="button button-quiet" href=move || format!("/follow-ups.csv?{}", filtered()) download="follow-ups.csv">"Export CSV"</a>
            <a class="button button-quiet" href="/feedback">"All feedback"</a>
            <a class="button" href="/feedback/new">"Add feedback"</a>
        </PageHeader>
        <Flash/>
        <p class="muted">"Lukewarm and unhappy answers, until we know what the customer really thinks. Riskiest first."</p>
        <LinkedFilters keys=&LINKED noun="follow-ups" clear="/follow-ups"/>
        <Transition fallback=|| view! { <p class="loading">"Loading follow-ups…"</p> }>
            {move || Suspend::new(async move {
                let current = queue();
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(q) => {
                        let c = q.counts;
                        let count = |key: &str| match key {
                            "mine" => Some(c.mine),
                            "team" => Some(c.team),
                            "overdue" => Some(c.overdue),
                            "today" => Some(c.due_today),
                            _ => None,
                        };
                        let base = format!("/follow-ups?{}", filtered());
                        view! {
                            <nav class="tabs" aria-label="Queues">
                                {TABS.iter().map(|(key, label)| {
                                    let n = count(key);
                                    let selected = current == *key;
                                    view! {
                                        <a href=format!("/follow-ups?queue={key}") class:active=selected aria-current=selected.then_some("page")>
                                            {*label}
                                            {n.map(|n| {
                                                let class = if *key == "overdue" && n > 0 { "count count-alert" } else { "count" };
                                                view! { <span class=class>{n}</span> }
                                            })}
                                        </a>
                                    }
                                }).collect_view()}
                            </nav>
                            {if q.items.is_empty() {
                                view! {
                                    <EmptyState title="Nothing in this queue">
                                        <p>"No follow-ups here. Lukewarm and unhappy feedback lands in the queues automatically."</p>
                                    </EmptyState>
                                }.into_any()
                            } else {
                                view! {
                                    <ul class="queue">
                                        {q.items.into_iter().map(|f| view! {
                                            <li class=format!("queue-item risk-{}", f.assessment.as_str())>
                                                <div class="queue-head">
                                                    <a class="queue-title" href=format!("/follow-ups/{}", f.id)>{f.customer_name.clone()}</a>
                                                    <AssessmentBadge assessment=f.assessment/>
                                                    <DueBadge due_at=f.due_at state=f.due_state/>
                                                    <span class="muted small">{format!("risk {}", f.risk)}</span>
                                                </div>
                                                <p><Score score_type=f.score_type score=f.score/>" "<span class="quote">{quoted(&f.comment)}</span></p>
                                                <Reasons reasons=f.reasons.clone()/>
                                                <p class="muted small">
                                                    {match f.outcome {
                                                        Some(o) => format!("{} · closed {}", o.label(), f.closed_at.map(format_short).unwrap_or_default()),
                                                        None => format!("Due {} · {} · {} attempt(s)", format_short(f.due_at), f.assignee_name.clone().unwrap_or_else(|| "Unassigned".into()), f.attempts),
                                                    }}
                                                </p>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                    <Pagination page=q.page per_page=q.page_size total=q.total base=base/>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
