//! Small pieces shared by feedback pages: the assessment badge, the reasons, a score, and the
//! customer page's feedback section.
use crate::components::time::{format_date, format_short};
use crate::feedback::api::customer_feedback;
use crate::feedback::due::DueState;
use crate::feedback::{Assessment, Reason, ScoreType};
use leptos::prelude::*;

#[component]
pub fn AssessmentBadge(assessment: Assessment) -> impl IntoView {
    view! { <span class=format!("badge assessment-{}", assessment.as_str())>{assessment.label()}</span> }
}

#[component]
pub fn DueBadge(due_at: i64, state: DueState) -> impl IntoView {
    view! { <span class=state.class() title=format!("Due {}", crate::components::time::format_ms(due_at))>{state.label()}</span> }
}

#[component]
pub fn Score(score_type: ScoreType, score: i64) -> impl IntoView {
    let (_, max) = score_type.range();
    let name = match score_type {
        ScoreType::Nps => "NPS",
        ScoreType::Csat => "CSAT",
        ScoreType::Ces => "Effort",
    };
    view! { <span class="score" title=score_type.label()>{format!("{name} {score}/{max}")}</span> }
}

#[component]
pub fn Reasons(reasons: Vec<Reason>) -> impl IntoView {
    view! {
        <ul class="reasons">
            {reasons.into_iter().map(|r| view! { <li class=format!("reason reason-{}", r.code)>{r.text}</li> }).collect_view()}
        </ul>
    }
}

/// The comment in quotes, or a note that there was none.
pub fn quoted(comment: &str) -> String {
    if comment.trim().is_empty() {
        "(no comment)".into()
    } else {
        format!("“{}”", comment.trim())
    }
}

/// A customer's feedback and follow-ups over time, on their page.
#[component]
pub fn CustomerFeedbackSection(customer_id: i64) -> impl IntoView {
    let data = Resource::new(move || customer_id, customer_feedback);
    view! {
        <section class="card" id="feedback">
            <div class="section-head">
                <h2>"Feedback and follow-ups"</h2>
                <a class="button button-quiet" href=format!("/feedback/new?customer={customer_id}")>"Add feedback"</a>
            </div>
            <Transition fallback=|| view! { <p class="loading">"Loading feedback…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <crate::components::layout::LoadError error=e/> }.into_any(),
                        Ok(d) if d.feedback.is_empty() => view! { <p class="muted">"No feedback from this customer yet."</p> }.into_any(),
                        Ok(d) => {
                            let follow_ups = d.follow_ups.clone();
                            view! {
                                <ol class="feedback-timeline">
                                    {d.feedback.into_iter().map(|f| {
                                        let follow_up = f.follow_up_id.and_then(|id| follow_ups.iter().find(|u| u.id == id).cloned());
                                        view! {
                                            <li>
                                                <p>
                                                    <span class="muted small">{format_date(f.received_at)}" · "{f.channel.label()}" · "</span>
                                                    <Score score_type=f.score_type score=f.score/>" "
                                                    <AssessmentBadge assessment=f.assessment/>
                                                </p>
                                                <p class="quote">{quoted(&f.comment)}</p>
                                                {follow_up.map(|u| {
                                                    let state = match u.outcome {
                                                        Some(o) => format!("Follow-up closed {}: {}", u.closed_at.map(format_short).unwrap_or_default(), o.label()),
                                                        None => format!("Follow-up open, due {}", format_short(u.due_at)),
                                                    };
                                                    let said = u.customer_said.clone().map(|s| view! { <p class="small">"They really said: "<span class="quote">{format!("“{s}”")}</span></p> });
                                                    view! { <p class="small"><a href=format!("/follow-ups/{}", u.id)>{state}</a></p> {said} }
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ol>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
