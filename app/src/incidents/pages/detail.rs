//! The incident page: what happened, where it stands, what was done and told, and every step
//! on the timeline. Each form works with and without JavaScript.
use super::badges::{DecisionForm, ProactiveBadge, SeverityBadge, SlaBadge, StatusBadge};
use crate::components::flash::Flash;
use crate::components::form::{error_of as err, FormAlert, SelectField, TextArea, TextField};
use crate::components::layout::LoadError;
use crate::components::time::format_ms;
use crate::error::AppError;
use crate::incidents::api::*;
use crate::incidents::{ActionKind, ActionStatus, IncidentDetail, Status};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The actions of the page, so the data reloads after any of them.
#[derive(Clone, Copy)]
struct Actions {
    start: ServerAction<StartRecovery>,
    resolve: ServerAction<ResolveIncident>,
    reopen: ServerAction<ReopenIncident>,
    assign: ServerAction<AssignIncident>,
    act: ServerAction<AddRecoveryAction>,
    note: ServerAction<AddIncidentNote>,
    complaint: ServerAction<RecordComplaint>,
    notice: ServerAction<SendNotice>,
    decide: ServerAction<DecideAction>,
}

impl Actions {
    fn new() -> Self {
        Self {
            start: ServerAction::new(),
            resolve: ServerAction::new(),
            reopen: ServerAction::new(),
            assign: ServerAction::new(),
            act: ServerAction::new(),
            note: ServerAction::new(),
            complaint: ServerAction::new(),
            notice: ServerAction::new(),
            decide: ServerAction::new(),
        }
    }
    fn versions(&self) -> [usize; 9] {
        [
            self.start.version().get(),
            self.resolve.version().get(),
            self.reopen.version().get(),
            self.assign.version().get(),
            self.act.version().get(),
            self.note.version().get(),
            self.complaint.version().get(),
            self.notice.version().get(),
            self.decide.version().get(),
        ]
    }
}

/// The first line of the description, cut at a word near 100 characters.
fn headline(description: &str) -> String {
    let line = description.lines().next().unwrap_or_default();
    if line.chars().count() <= 100 {
        return line.to_string();
    }
    let cut: String = line.chars().take(100).collect();
    format!(
        "{}…",
        cut.rsplit_once(' ').map(|(head, _)| head).unwrap_or(&cut)
    )
}

#[component]
pub fn IncidentPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let actions = Actions::new();
    let detail = Resource::new(
        move || (id(), actions.versions()),
        |(id, _)| async move {
            match id {
                Some(id) => get_incident(id).await,
                None => Err(AppError::NotFound("That incident".into())),
            }
        },
    );
    view! {
        <Flash/>
        <Transition fallback=|| view! { <p class="loading">"Loading incident…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(d) => view! { <IncidentView d=d actions=actions/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn IncidentView(d: IncidentDetail, actions: Actions) -> impl IntoView {
    let i = d.incident.clone();
    let id = i.id;
    let resolved = i.status == Status::Resolved;
    let applied = d
        .actions
        .iter()
        .filter(|a| a.status == ActionStatus::Applied)
        .count();
    view! {
        <div class="page-header">
            <div>
                <p class="eyebrow">{format!("Incident #{id} · {}", i.category)}</p>
                <h1>{headline(&i.description)}</h1>
                <p class="badges">
                    <StatusBadge status=i.status/>" "<SeverityBadge severity=i.severity/>" "<SlaBadge sla=i.sla/>" "<ProactiveBadge proactive=i.proactive/>
                </p>
            </div>
        </div>
        <div class="incident-grid">
            <div class="incident-main">
                <section class="card">
                    <h2>"What happened"</h2>
                    <p class="prewrap">{i.description.clone()}</p>
                    <dl class="facts">
                        <dt>"Customer"</dt><dd><a href=format!("/customers/{}", i.customer_id)>{i.customer_name.clone()}</a></dd>
                        <dt>"Subject"</dt><dd>{i.subject_ref.clone().unwrap_or_else(|| "—".into())}</dd>
                        <dt>"Source"</dt><dd>{i.source.label()}</dd>
                        <dt>"Occurred"</dt><dd>{format_ms(d.occurred_at)}</dd>
                        <dt>"Detected"</dt><dd>{format_ms(i.detected_at)}</dd>
                        <dt>"Acknowledged"</dt><dd>{i.acknowledged_at.map(format_ms).unwrap_or_else(|| "not yet".into())}</dd>
                        <dt>"Customer complained"</dt><dd>{d.complained_at.map(format_ms).unwrap_or_else(|| "no".into())}</dd>
                        <dt>"Resolved"</dt><dd>{i.resolved_at.map(format_ms).unwrap_or_else(|| "not yet".into())}</dd>
                        {d.root_cause.clone().map(|r| view! { <dt>"Root cause"</dt><dd>{r}</dd> })}
                        {d.no_action_reason.clone().map(|r| view! { <dt>"No action needed"</dt><dd>{r}</dd> })}
                    </dl>
                </section>
                {(!d.signals.is_empty()).then(|| view! {
                    <section class="card">
                        <h2>"Signals"</h2>
                        <ul class="signals-list">
                            {d.signals.iter().map(|s| view! {
                                <li>
                                    <code>{format!("{} = {}{}", s.kind, s.value, s.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default())}</code>
                                    <span class="muted small">{format!(" · {} · {}", format_ms(s.observed_at), s.idempotency_key)}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                })}
                <RecoverySection d=d.clone() actions=actions/>
                <NoticesSection d=d.clone() actions=actions/>
                <section class="card">
                    <h2>"Timeline"</h2>
                    <ol class="timeline">
                        {d.timeline.iter().rev().map(|e| view! {
                            <li class=format!("event event-{}", e.kind)>
                                <p class="event-message">{e.message.clone()}</p>
                                <p class="muted small">{format!("{} · {}{}", e.actor, format_ms(e.at), if e.internal { "" } else { " · shared with the customer" })}</p>
                            </li>
                        }).collect_view()}
                    </ol>
                </section>
            </div>
            <aside class="incident-side">
                <section class="card">
                    <h2>"Next step"</h2>
                    {(i.status == Status::Open).then(|| view! {
                        <ActionForm action=actions.start>
                            <input type="hidden" name="id" value=id/>
                            <button class="button button-wide" type="submit">"Start recovery"</button>
                        </ActionForm>
                        <FormAlert error=err(actions.start.value())/>
                    })}
                    {(!resolved).then(|| view! {
                        <ActionForm action=actions.resolve attr:class="form">
                            <FormAlert error=err(actions.resolve.value())/>
                            <input type="hidden" name="id" value=id/>
                            <TextArea label="Root cause" name="root_cause" required=true rows=2 error=err(actions.resolve.value())/>
                            {(applied == 0).then(|| view! {
                                <TextField label="No action needed because" name="no_action_reason"
                                    hint="Only when no recovery action was right." error=err(actions.resolve.value())/>
                            })}
                            {(applied > 0).then(|| view! { <input type="hidden" name="no_action_reason" value=""/> })}
                            <button class="button" type="submit">"Resolve"</button>
                        </ActionForm>
                    })}
                    {resolved.then(|| view! {
                        <ActionForm action=actions.reopen attr:class="form">
                            <FormAlert error=err(actions.reopen.value())/>
                            <input type="hidden" name="id" value=id/>
                            <TextField label="Reason to reopen" name="reason" required=true error=err(actions.reopen.value())/>
                            <button class="button button-quiet" type="submit">"Reopen"</button>
                        </ActionForm>
                    })}
                </section>
                <section class="card">
                    <h2>"Assignee"</h2>
                    <ActionForm action=actions.assign attr:class="inline-form">
                        <input type="hidden" name="id" value=id/>
                        <label class="visually-hidden" for="f-assignee">"Assign to"</label>
                        <select id="f-assignee" name="assignee_id">
                            {i.assignee_id.is_none().then(|| view! { <option value="" selected=true disabled=true>"Unassigned"</option> })}
                            {d.associates.iter().map(|(uid, name)| {
                                let selected = Some(*uid) == i.assignee_id;
                                view! { <option value=*uid selected=selected>{name.clone()}</option> }
                            }).collect_view()}
                        </select>
                        <button class="button button-quiet" type="submit">"Assign"</button>
                    </ActionForm>
                </section>
                <section class="card">
                    <h2>"Internal note"</h2>
                    <ActionForm action=actions.note attr:class="form">
                        <input type="hidden" name="id" value=id/>
                        <TextArea label="Note (never shown to the customer)" name="text" rows=2 error=err(actions.note.value())/>
                        <button class="button button-quiet" type="submit">"Add note"</button>
                    </ActionForm>
                    {(d.complained_at.is_none()).then(|| view! {
                        <ActionForm action=actions.complaint attr:class="form">
                            <input type="hidden" name="id" value=id/>
                            <input type="hidden" name="text" value=""/>
                            <button class="button button-quiet" type="submit">"The customer complained about this"</button>
                        </ActionForm>
                    })}
                </section>
            </aside>
        </div>
    }
}

#[component]
fn RecoverySection(d: IncidentDetail, actions: Actions) -> impl IntoView {
    let id = d.incident.id;
    let resolved = d.incident.status == Status::Resolved;
    let can_approve = d.can_approve;
    let act_error = err(actions.act.value());
    view! {
        <section class="card">
            <h2>"Recovery"</h2>
            {if d.actions.is_empty() {
                view! { <p class="muted">"No recovery actions yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="actions-list">
                        {d.actions.into_iter().map(|a| {
                            let pending = a.status == ActionStatus::Pending;
                            let amount = if a.amount.minor > 0 { a.amount.display() } else { String::new() };
                            view! {
                                <li class=format!("action action-{}", a.status.as_str())>
                                    <strong>{a.kind.label()}</strong>" "<span>{amount}</span>" "
                                    <span class=format!("badge action-status-{}", a.status.as_str())>{a.status.label()}</span>
                                    {a.note.clone().map(|n| view! { <p class="muted small">{n}</p> })}
                                    <p class="muted small">{format!("{} · {}", a.created_by.clone().unwrap_or_default(), format_ms(a.created_at))}</p>
                                    {a.decision_note.clone().map(|n| view! { <p class="small">{format!("{}: {n}", a.decided_by.clone().unwrap_or_default())}</p> })}
                                    {(pending && can_approve).then(|| view! {
                                        <DecisionForm action=actions.decide action_id=a.id/>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <FormAlert error=err(actions.decide.value())/>
            {(!resolved).then(|| view! { <crate::playbook::pages::WhatHasWorked id/> })}
            {(!resolved).then(|| view! {
                <details class="add-action" open=true>
                    <summary>"Record a recovery action"</summary>
                    <ActionForm action=actions.act attr:class="form">
                        <FormAlert error=act_error/>
                        <input type="hidden" name="id" value=id/>
                        <SelectField label="What was done" name="kind" error=act_error
                            options=ActionKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect()/>
                        <div class="field-row">
                            <TextField label="Amount" name="amount" hint="For refunds and credits, e.g. 4.00" error=act_error/>
                            <TextField label="Currency" name="currency" value="USD" error=act_error/>
                        </div>
                        <TextField label="Note" name="note" error=act_error/>
                        <button class="button" type="submit">"Record action"</button>
                    </ActionForm>
                </details>
            })}
        </section>
    }
}

#[component]
fn NoticesSection(d: IncidentDetail, actions: Actions) -> impl IntoView {
    let id = d.incident.id;
    let error = err(actions.notice.value());
    let template = format!(
        "Dear {},\n\nWe are sorry: {}\n\nWhat we did: \n\nThank you for your patience.",
        d.incident.customer_name,
        d.incident.description.lines().next().unwrap_or_default()
    );
    let to = d
        .customer_email
        .clone()
        .map(|e| format!("Sent by email to {e} and shown in their portal."))
        .unwrap_or_else(|| "No email on file: the notice will show in their portal only.".into());
    view! {
        <section class="card">
            <h2>"Notices to the customer"</h2>
            {d.notices.into_iter().map(|n| view! {
                <article class="notice">
                    <h3>{n.subject}</h3>
                    <p class="prewrap">{n.body}</p>
                    <p class="muted small">{format!("{} · {}", format_ms(n.created_at), n.delivery)}</p>
                </article>
            }).collect_view()}
            <details class="add-notice">
                <summary>"Write a notice"</summary>
                <ActionForm action=actions.notice attr:class="form">
                    <FormAlert error=error/>
                    <p class="hint">{to}</p>
                    <input type="hidden" name="id" value=id/>
                    <TextField label="Subject" name="subject" value="About your recent experience with us" error=error/>
                    <TextArea label="Message" name="body" value=template rows=7 error=error/>
                    <button class="button" type="submit">"Send notice"</button>
                </ActionForm>
            </details>
        </section>
    }
}
