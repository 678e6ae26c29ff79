//! Every answer, filterable in the URL (so a dashboard figure can link to the answers behind
//! it), and the form for feedback heard in person or by phone.
use super::badges::{quoted, AssessmentBadge, Reasons, Score};
use crate::components::flash::Flash;
use crate::components::form::{error_of, FormAlert, SelectField, TextArea, TextField};
use crate::components::layout::{EmptyState, LoadError, PageHeader};
use crate::components::linked_filters::{LinkedFilters, LinkedInputs};
use crate::components::pagination::Pagination;
use crate::components::time::format_short;
use crate::customers::picker::CustomerPicker;
use crate::feedback::api::{list_feedback, CreateFeedback};
use crate::feedback::{Assessment, Channel, ScoreType};
use crate::url_encoding::encode;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const KEYS: [&str; 8] = [
    "assessment",
    "score_type",
    "channel",
    "customer",
    "week",
    "q",
    "assignee",
    "team",
];

/// The filters a report's figure links to, shown above the list rather than in the form.
const LINKED: [(&str, &str); 2] = [("assignee", "Owned by staff member"), ("team", "Team")];

#[component]
pub fn FeedbackListPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.with(|m| m.get(k).unwrap_or_default());
    let page = move || get("page").parse::<i64>().unwrap_or(1).max(1);
    let data = Resource::new(
        move || (KEYS.map(get), page()),
        |(v, page)| {
            let [assessment, score_type, channel, customer, week, q, assignee, team] = v;
            list_feedback(
                assessment, score_type, channel, customer, week, q, page, assignee, team,
            )
        },
    );
    let base = move || {
        let mut s = String::from("/feedback?");
        for k in KEYS {
            let v = get(k);
            if !v.is_empty() {
                s.push_str(&format!("{k}={}&", encode(&v)));
            }
        }
        s
    };
    view! {
        <PageHeader title="Feedback".into()>
            <a class="button button-quiet" href="/feedback/surveys">"Survey links"</a>
            <a class="button button-quiet" href="/follow-ups">"Follow-ups"</a>
            <a class="button" href="/feedback/new">"Add feedback"</a>
        </PageHeader>
        <Flash/>
        <form class="filters" method="get" action="/feedback" role="search">
            <input type="search" name="q" aria-label="Search feedback" placeholder="Search comments or customers" value=move || get("q")/>
            <select name="assessment" aria-label="Assessment">
                <option value="">"Any assessment"</option>
                {Assessment::ALL.iter().map(|a| view! { <option value=a.as_str() selected=move || get("assessment") == a.as_str()>{a.label()}</option> }).collect_view()}
            </select>
            <select name="score_type" aria-label="Question">
                <option value="">"Any question"</option>
                {ScoreType::ALL.iter().map(|a| view! { <option value=a.as_str() selected=move || get("score_type") == a.as_str()>{a.label()}</option> }).collect_view()}
            </select>
            <select name="channel" aria-label="Channel">
                <option value="">"Any channel"</option>
                {Channel::ALL.iter().map(|a| view! { <option value=a.as_str() selected=move || get("channel") == a.as_str()>{a.label()}</option> }).collect_view()}
            </select>
            <input type="week" name="week" aria-label="ISO week" value=move || get("week")/>
            {move || (!get("customer").is_empty()).then(|| view! { <input type="hidden" name="customer" value=get("customer")/> })}
            <LinkedInputs keys=&LINKED/>
            <button class="button button-quiet" type="submit">"Apply"</button>
            <a class="button button-quiet" href="/feedback">"Clear"</a>
            <a class="button button-quiet" href=move || base().replacen("/feedback?", "/feedback.csv?", 1) download="feedback.csv">"Export CSV"</a>
        </form>
        <LinkedFilters keys=&LINKED noun="feedback" clear="/feedback"/>
        <Transition fallback=|| view! { <p class="loading">"Loading feedback…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! {
                        <EmptyState title="No feedback matches">
                            <p>"Answers arrive from survey links, the API, and what you hear in person: add one with “Add feedback”."</p>
                        </EmptyState>
                    }.into_any(),
                    Ok(p) => view! {
                        <div class="table-wrap">
                            <table class="table">
                                <thead><tr><th>"Customer"</th><th>"Answer"</th><th>"Assessment"</th><th>"Received"</th></tr></thead>
                                <tbody>
                                    {p.items.into_iter().map(|f| view! {
                                        <tr>
                                            <td data-label="Customer"><a href=format!("/customers/{}", f.customer_id)>{f.customer_name.clone()}</a>
                                                <div class="muted small">{f.channel.label()}</div></td>
                                            <td data-label="Answer"><Score score_type=f.score_type score=f.score/>" "<span class="quote">{quoted(&f.comment)}</span>
                                                {(f.assessment.needs_follow_up()).then(|| view! { <Reasons reasons=f.reasons.clone()/> })}</td>
                                            <td data-label="Assessment" class="inline-sm"><AssessmentBadge assessment=f.assessment/>
                                                {f.follow_up_id.map(|u| view! { " "<a class="small" href=format!("/follow-ups/{u}")>"Follow-up"</a> })}</td>
                                            <td data-label="Received" class="hide-sm">{format_short(f.received_at)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pagination page=p.page per_page=p.page_size total=p.total capped=p.total_capped base=base()/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn NewFeedbackPage() -> impl IntoView {
    let action = ServerAction::<CreateFeedback>::new();
    let error = error_of(action.value());
    let query = use_query_map();
    let preset = move |k: &str| query.with_untracked(|q| q.get(k).unwrap_or_default());
    let channels = Channel::ALL
        .iter()
        .filter(|c| **c != Channel::Survey)
        .map(|c| (c.as_str().to_string(), c.label().to_string()))
        .collect();
    let kinds = ScoreType::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), c.label().to_string()))
        .collect();
    view! {
        <PageHeader title="Add feedback".into()/>
        <ActionForm action=action attr:class="form card">
            <FormAlert error=error/>
            <CustomerPicker value=preset("customer") autofocus=true required=true error=error
                hint="Type a name, email or reference and pick from the suggestions."/>
            <div class="field-row">
                <SelectField label="How you heard it" name="channel" options=channels error=error/>
                <SelectField label="Question" name="score_type" selected="csat" options=kinds error=error/>
                <TextField label="Score" name="score" kind="number" required=true hint="NPS 0–10, CSAT 1–5, effort 1–7 (7 = very easy)." error=error/>
            </div>
            <TextArea label="Their words" name="comment" hint="Exactly as they said it: “good”, “fine” and “ok” matter." error=error/>
            <div class="field-row">
                <TextField label="When" name="received_at" kind="datetime-local" hint="UTC; empty for now." error=error/>
                <TextField label="Incident" name="incident" value=preset("incident") hint="Its number, if it is about one." error=error/>
                <TextField label="Order" name="order_ref" autocomplete="off" error=error/>
            </div>
            <div class="form-actions">
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Saving…" } else { "Save feedback" }}
                </button>
                <a href="/feedback" class="button button-quiet">"Cancel"</a>
            </div>
        </ActionForm>
    }
}
