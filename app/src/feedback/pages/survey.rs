//! Survey links: the staff page that creates and lists them, and the public page a customer
//! answers on (no account, any phone, no JavaScript needed; opening it records nothing).
use crate::components::flash::Flash;
use crate::components::form::{error_of, FormAlert, SelectField, TextField};
use crate::components::layout::{EmptyState, LoadError, PageHeader};
use crate::components::time::format_short;
use crate::feedback::api::{
    list_survey_links, open_survey, AnswerSurvey, CreateSurveyLink, PublicSurvey,
};
use crate::feedback::ScoreType;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn SurveysPage() -> impl IntoView {
    let create = ServerAction::<CreateSurveyLink>::new();
    let data = Resource::new(move || create.version().get(), |_| list_survey_links());
    let error = error_of(create.value());
    let query = use_query_map();
    let preset = move |k: &str| query.with_untracked(|q| q.get(k).unwrap_or_default());
    let kinds = ScoreType::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), c.label().to_string()))
        .collect();
    view! {
        <PageHeader title="Survey links".into()>
            <a class="button button-quiet" href="/feedback">"All feedback"</a>
        </PageHeader>
        <Flash/>
        <ActionForm action=create attr:class="form card">
            <h2>"Ask a customer"</h2>
            <FormAlert error=error/>
            <div class="field-row">
                <TextField label="Customer" name="customer" required=true value=preset("customer") autocomplete="off" hint="Their id, email or reference." error=error/>
                <SelectField label="Question" name="score_type" selected="csat" options=kinds error=error/>
                <TextField label="Incident" name="incident" value=preset("incident") hint="Optional: the incident it is about." error=error/>
            </div>
            <label class="check"><input type="checkbox" name="send_email" value="on"/>" Email the link to the customer"</label>
            <div class="form-actions"><button class="button" type="submit">"Create link"</button></div>
        </ActionForm>
        <Transition fallback=|| view! { <p class="loading">"Loading survey links…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(v) => view! {
                        {v.revealed_link.map(|link| view! {
                            <div class="reveal" role="status">
                                <p>"Send this link to the customer. It is shown only now, works once, and expires."</p>
                                <input class="reveal-value" readonly value=link.clone() aria-label="Survey link"/>
                            </div>
                        })}
                        {if v.links.is_empty() {
                            view! { <EmptyState title="No survey links yet"><p>"Create one above, or resolve an incident: the customer gets one by email."</p></EmptyState> }.into_any()
                        } else {
                            view! {
                                <div class="table-wrap">
                                    <table class="table">
                                        <thead><tr><th>"Customer"</th><th>"Question"</th><th>"Status"</th><th>"Created"</th></tr></thead>
                                        <tbody>
                                            {v.links.into_iter().map(|l| {
                                                let status = match l.answered_at {
                                                    Some(t) => format!("Answered {}", format_short(t)),
                                                    None => format!("Open until {}", format_short(l.expires_at)),
                                                };
                                                view! {
                                                    <tr>
                                                        <td data-label="Customer"><a href=format!("/customers/{}", l.customer_id)>{l.customer_name.clone()}</a>
                                                            {l.incident_id.map(|i| view! { <div class="small"><a href=format!("/incidents/{i}")>{format!("Incident #{i}")}</a></div> })}</td>
                                                        <td data-label="Question">{l.score_type.label()}</td>
                                                        <td data-label="Status">{status}</td>
                                                        <td data-label="Created" class="hide-sm">{format!("{} · {}", format_short(l.created_at), l.created_by)}</td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }.into_any()
                        }}
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The public answer page at `/s/{token}`.
#[component]
pub fn SurveyPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let answer = ServerAction::<AnswerSurvey>::new();
    let survey = Resource::new(
        move || (token(), answer.version().get()),
        |(t, _)| open_survey(t),
    );
    let error = error_of(answer.value());
    view! {
        <Title text="How did we do? · Extra Mile"/>
        <main id="main" class="survey">
            <p class="brand survey-brand">"Extra Mile"</p>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match survey.await {
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                        Ok(PublicSurvey::Answered) => view! {
                            <section class="card survey-card">
                                <h1>"Thank you!"</h1>
                                <p>"We have your answer. If something was not right, someone from our team will be in touch to put it right."</p>
                            </section>
                        }.into_any(),
                        Ok(PublicSurvey::Expired) => view! {
                            <section class="card survey-card">
                                <h1>"This survey has closed"</h1>
                                <p>"The link has expired. If you would still like to tell us something, just reply to our email."</p>
                            </section>
                        }.into_any(),
                        Ok(PublicSurvey::Unknown) => view! {
                            <section class="card survey-card">
                                <h1>"We could not find this survey"</h1>
                                <p>"Please check that the whole link was copied from the email."</p>
                            </section>
                        }.into_any(),
                        Ok(PublicSurvey::Open { first_name, score_type }) => {
                            let (min, max) = score_type.range();
                            let (low, high) = score_type.ends();
                            let greeting = if first_name.is_empty() { "Hello!".to_string() } else { format!("Hello {first_name},") };
                            let score_error = move || error.get().and_then(|e| e.field_message("score"));
                            view! {
                                <section class="card survey-card">
                                    <p>{greeting}</p>
                                    <h1>{score_type.question()}</h1>
                                    <ActionForm action=answer attr:class="form">
                                        <FormAlert error=error/>
                                        <input type="hidden" name="token" value=token()/>
                                        <fieldset class=format!("scale scale-{}", max - min + 1) class:field-invalid=move || score_error().is_some()>
                                            <legend class="visually-hidden">{score_type.question()}</legend>
                                            <div class="scale-options">
                                                {(min..=max).map(|n| view! {
                                                    <label class="scale-option">
                                                        <input type="radio" name="score" value=n.to_string() required/>
                                                        <span>{n}</span>
                                                    </label>
                                                }).collect_view()}
                                            </div>
                                            <div class="scale-ends" aria-hidden="true"><span>{format!("{min} = {low}")}</span><span>{format!("{max} = {high}")}</span></div>
                                            {move || score_error().map(|m| view! { <p class="field-error">{m}</p> })}
                                        </fieldset>
                                        <div class="field">
                                            <label for="f-comment">"Anything you would like to tell us?"</label>
                                            <textarea id="f-comment" name="comment" rows="4" maxlength="4000"></textarea>
                                        </div>
                                        <button class="button button-wide" type="submit" disabled=move || answer.pending().get()>
                                            {move || if answer.pending().get() { "Sending…" } else { "Send my answer" }}
                                        </button>
                                    </ActionForm>
                                    <p class="muted small">"Your answer goes to our service team. Opening this page does not send anything."</p>
                                </section>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </main>
    }
}
