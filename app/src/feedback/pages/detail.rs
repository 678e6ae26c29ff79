//! One follow-up: the answer and why it was flagged, questions to ask, contact attempts, and
//! closing it with what the customer really said. "Problem found" offers a prefilled incident.
use super::badges::{quoted, AssessmentBadge, DueBadge, Reasons, Score};
use crate::components::flash::Flash;
use crate::components::form::{error_of as err, FormAlert, SelectField, TextArea, TextField};
use crate::components::layout::LoadError;
use crate::components::time::format_ms;
use crate::error::AppError;
use crate::feedback::api::*;
use crate::feedback::{ContactChannel, FollowUpDetail, Outcome, TrueSentiment};
use crate::url_encoding::encode;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[derive(Clone, Copy)]
struct Actions {
    attempt: ServerAction<LogAttempt>,
    close: ServerAction<CloseFollowUp>,
    assign: ServerAction<AssignFollowUp>,
}

#[component]
pub fn FollowUpPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let actions = Actions {
        attempt: ServerAction::new(),
        close: ServerAction::new(),
        assign: ServerAction::new(),
    };
    let detail = Resource::new(
        move || {
            (
                id(),
                actions.attempt.version().get(),
                actions.close.version().get(),
                actions.assign.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => get_follow_up(id).await,
                None => Err(AppError::NotFound("That follow-up".into())),
            }
        },
    );
    view! {
        <Flash/>
        <Transition fallback=|| view! { <p class="loading">"Loading follow-up…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(d) => view! { <FollowUpView d=d actions=actions/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn FollowUpView(d: FollowUpDetail, actions: Actions) -> impl IntoView {
    let f = d.row.clone();
    let id = f.id;
    let options = |all: &[(String, String)]| all.to_vec();
    let channels: Vec<(String, String)> = ContactChannel::ALL
        .iter()
        .map(|c| (c.as_str().into(), c.label().into()))
        .collect();
    let outcomes: Vec<(String, String)> = std::iter::once(("".to_string(), "Choose…".to_string()))
        .chain(
            Outcome::ALL
                .iter()
                .map(|o| (o.as_str().into(), o.label().into())),
        )
        .collect();
    let sentiments: Vec<(String, String)> =
        std::iter::once(("".to_string(), "Choose…".to_string()))
            .chain(
                TrueSentiment::ALL
                    .iter()
                    .map(|s| (s.as_str().into(), s.label().into())),
            )
            .collect();
    let incident_link =
        (f.outcome == Some(Outcome::ProblemFound) && d.opened_incident_id.is_none()).then(|| {
            let said = d.customer_said.clone().unwrap_or_default();
            let description = format!("Found on follow-up #{id}: {said}");
            format!(
                "/incidents/new?customer={}&description={}&follow_up={id}&source=complaint",
                encode(&d.customer_ref),
                encode(&description)
            )
        });
    let unreached = d.attempts.iter().filter(|a| !a.reached).count() as i64;
    view! {
        <div class="page-header">
            <div>
                <p class="eyebrow">{format!("Follow-up #{id} · {} · received {}", d.channel.label(), format_ms(d.received_at))}</p>
                <h1><a href=format!("/customers/{}", f.customer_id)>{f.customer_name.clone()}</a></h1>
                <p class="badges">
                    <AssessmentBadge assessment=f.assessment/>
                    <DueBadge due_at=f.due_at state=f.due_state/>
                    <span class="badge">{format!("Risk {}", f.risk)}</span>
                </p>
            </div>
        </div>
        <div class="incident-grid">
            <div class="incident-main">
                <section class="card">
                    <h2>"What they said"</h2>
                    <p class="big-quote"><Score score_type=f.score_type score=f.score/>" "{quoted(&f.comment)}</p>
                    <h3>"Why it was flagged"</h3>
                    <Reasons reasons=f.reasons.clone()/>
                    {d.feedback_incident_id.map(|i| view! { <p>"About "<a href=format!("/incidents/{i}")>{format!("incident #{i}")}</a></p> })}
                </section>
                <section class="card">
                    <h2>"Questions to ask"</h2>
                    <ol class="questions">
                        {d.questions.iter().map(|q| view! { <li>{q.clone()}</li> }).collect_view()}
                    </ol>
                </section>
                <section class="card">
                    <h2>"Contact attempts"</h2>
                    {if d.attempts.is_empty() {
                        view! { <p class="muted">"No attempts yet."</p> }.into_any()
                    } else {
                        view! {
                            <ol class="timeline">
                                {d.attempts.iter().map(|a| view! {
                                    <li class="event">
                                        <p class="event-message">{format!("{} — {}", a.channel.label(), if a.reached { "reached" } else { "not reached" })}{(!a.note.is_empty()).then(|| format!(": {}", a.note))}</p>
                                        <p class="muted small">{format!("{} · {}", a.by, format_ms(a.at))}</p>
                                    </li>
                                }).collect_view()}
                            </ol>
                        }.into_any()
                    }}
                    {(!f.closed).then(|| view! {
                        <ActionForm action=actions.attempt attr:class="form">
                            <FormAlert error=err(actions.attempt.value())/>
                            <input type="hidden" name="id" value=id/>
                            <div class="field-row">
                                <SelectField label="How" name="channel" options=options(&channels) error=err(actions.attempt.value())/>
                                <TextField label="When" name="at" kind="datetime-local" hint="UTC; empty for now." error=err(actions.attempt.value())/>
                            </div>
                            <fieldset class="field choice">
                                <legend>"Did you reach them?"</legend>
                                <label class="check"><input type="radio" name="reached" value="yes" required/>" Yes"</label>
                                <label class="check"><input type="radio" name="reached" value="no"/>" No"</label>
                            </fieldset>
                            <TextField label="Note" name="note" autocomplete="off" error=err(actions.attempt.value())/>
                            <button class="button button-quiet" type="submit">"Log attempt"</button>
                        </ActionForm>
                    })}
                </section>
            </div>
            <aside class="incident-side">
                <section class="card">
                    {if f.closed {
                        view! {
                            <h2>{f.outcome.map(|o| o.label()).unwrap_or("Closed")}</h2>
                            {d.customer_said.clone().map(|s| view! { <p class="quote">{format!("“{s}”")}</p> })}
                            {d.true_sentiment.map(|s| view! { <p>"They really felt: "<strong>{s.label()}</strong></p> })}
                            <p class="muted small">{format!("Closed by {} · {}", d.closed_by.clone().unwrap_or_default(), f.closed_at.map(format_ms).unwrap_or_default())}</p>
                            {d.opened_incident_id.map(|i| view! { <p>"Incident opened: "<a href=format!("/incidents/{i}")>{format!("#{i}")}</a></p> })}
                            {incident_link.clone().map(|href| view! {
                                <a class="button button-wide" href=href>"Open an incident from this"</a>
                            })}
                        }.into_any()
                    } else {
                        view! {
                            <h2>"Close with the truth"</h2>
                            <ActionForm action=actions.close attr:class="form">
                                <FormAlert error=err(actions.close.value())/>
                                <input type="hidden" name="id" value=id/>
                                <TextArea label="What the customer really said" name="customer_said" rows=3 error=err(actions.close.value())/>
                                <SelectField label="How they really felt" name="true_sentiment" options=sentiments.clone() error=err(actions.close.value())/>
                                <SelectField label="Outcome" name="outcome" options=options(&outcomes) error=err(actions.close.value())/>
                                <p class="hint">{format!("Unreachable needs {} unanswered attempts ({unreached} so far). Problem found lets you open an incident next.", d.unreachable_after)}</p>
                                <button class="button" type="submit">"Close follow-up"</button>
                            </ActionForm>
                        }.into_any()
                    }}
                </section>
                {(!f.closed).then(|| {
                    let current = f.assignee_id.unwrap_or_default();
                    view! {
                        <section class="card">
                            <h2>"Assignee"</h2>
                            <ActionForm action=actions.assign attr:class="inline-form">
                                <input type="hidden" name="id" value=id/>
                                <label class="visually-hidden" for="f-assignee">"Assign to"</label>
                                <select id="f-assignee" name="assignee_id">
                                    {f.assignee_id.is_none().then(|| view! { <option value="">"Unassigned"</option> })}
                                    {d.staff.iter().map(|(sid, name)| view! { <option value=sid.to_string() selected=*sid == current>{name.clone()}</option> }).collect_view()}
                                </select>
                                <button class="button button-quiet" type="submit">"Assign"</button>
                            </ActionForm>
                        </section>
                    }
                })}
            </aside>
        </div>
    }
}
