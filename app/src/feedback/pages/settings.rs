//! Follow-up settings for managers: service levels, attempts before "unreachable", survey
//! links, and the probing questions for each reason.
use crate::components::flash::Flash;
use crate::components::form::{error_of, FormAlert, TextField};
use crate::components::layout::{LoadError, PageHeader};
use crate::feedback::api::{load_follow_up_settings, SaveFollowUpLevels, SaveQuestionSet};
use crate::feedback::questions::REASON_SETS;
use leptos::prelude::*;

#[component]
pub fn FollowUpSettingsPage() -> impl IntoView {
    let levels = ServerAction::<SaveFollowUpLevels>::new();
    let questions = ServerAction::<SaveQuestionSet>::new();
    let data = Resource::new(
        move || (levels.version().get(), questions.version().get()),
        |_| load_follow_up_settings(),
    );
    let error = error_of(levels.value());
    let q_error = error_of(questions.value());
    view! {
        <PageHeader title="Follow-up settings".into()/>
        <Flash/>
        <Transition fallback=|| view! { <p class="loading">"Loading settings…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(s) => view! {
                        <ActionForm action=levels attr:class="form card">
                            <h2>"Service levels"</h2>
                            <FormAlert error=error/>
                            <div class="field-row">
                                <TextField label="Lukewarm: working days" name="lukewarm_days" kind="number" value=s.lukewarm_days.to_string() error=error/>
                                <TextField label="Unhappy: working days" name="unhappy_days" kind="number" value=s.unhappy_days.to_string() error=error/>
                            </div>
                            <div class="field-row">
                                <TextField label="Unreachable after (attempts)" name="unreachable_after" kind="number" value=s.unreachable_after.to_string() error=error/>
                                <TextField label="Survey links last (days)" name="survey_days" kind="number" value=s.survey_days.to_string() error=error/>
                            </div>
                            <label class="check"><input type="checkbox" name="survey_after_resolve" value="on" checked=s.survey_after_resolve/>
                                " Email a satisfaction survey when an incident is resolved"</label>
                            <div class="form-actions"><button class="button" type="submit">"Save"</button></div>
                        </ActionForm>
                        <section class="card">
                            <h2>"Probing questions"</h2>
                            <p class="muted">"Suggested on each follow-up for the reasons it was flagged. One question per line."</p>
                            <FormAlert error=q_error/>
                            {REASON_SETS.iter().map(|(code, name)| {
                                let text = s.questions.iter().find(|(c, _)| c == code).map(|(_, q)| q.join("\n")).unwrap_or_default();
                                view! {
                                    <ActionForm action=questions attr:class="form question-set">
                                        <input type="hidden" name="code" value=*code/>
                                        <label for=format!("q-{code}")><strong>{*name}</strong></label>
                                        <textarea id=format!("q-{code}") name="questions" rows="3">{text}</textarea>
                                        <button class="button button-quiet" type="submit">{format!("Save “{name}”")}</button>
                                    </ActionForm>
                                }
                            }).collect_view()}
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
