//! The escalation rules on the incident settings page: per category, after how many minutes
//! an unacknowledged incident is handed to a named person or team.
use crate::components::form::{error_of, FormAlert};
use crate::components::layout::LoadError;
use crate::incidents::escalation::{load_escalation_rules, EscalationRule, SaveEscalationRule};
use leptos::prelude::*;

#[component]
pub fn EscalationRulesSection() -> impl IntoView {
    let save = ServerAction::<SaveEscalationRule>::new();
    let data = Resource::new(move || save.version().get(), |_| load_escalation_rules());
    let error = error_of(save.value());
    view! {
        <section class="card">
            <h2>"Escalation"</h2>
            <p class="hint">"When an incident's service level is breached, its assignee and the managers of their team (or every manager) are told and the breach goes on its timeline. A rule below also hands an incident nobody has acknowledged to someone else after the minutes you set; leave both fields empty for no rule."</p>
            <FormAlert error=error/>
            <Transition fallback=|| view! { <p class="loading">"Loading rules…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                        Ok(all) => {
                            let people = all.people.clone();
                            let teams = all.teams.clone();
                            view! {
                                <div class="table-wrap"><table class="table">
                                    <thead><tr><th>"Category"</th><th>"Reassign unacknowledged incidents"</th></tr></thead>
                                    <tbody>
                                        {all.rules.into_iter().map(|rule| view! {
                                            <RuleRow rule people=people.clone() teams=teams.clone() save/>
                                        }).collect_view()}
                                    </tbody>
                                </table></div>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RuleRow(
    rule: EscalationRule,
    people: Vec<(i64, String)>,
    teams: Vec<(i64, String)>,
    save: ServerAction<SaveEscalationRule>,
) -> impl IntoView {
    let id = rule.category_id;
    let minutes = rule
        .after_minutes
        .map(|m| m.to_string())
        .unwrap_or_default();
    let target = rule.target.clone();
    let option = move |value: String, label: String| {
        let selected = value == target;
        view! { <option value=value selected=selected>{label}</option> }
    };
    let people_options = people
        .into_iter()
        .map(|(p, name)| option(format!("staff:{p}"), name))
        .collect_view();
    let team_options = teams
        .into_iter()
        .map(|(t, name)| option(format!("team:{t}"), format!("Team {name}")))
        .collect_view();
    view! {
        <tr>
            <td data-label="Category">{rule.category.clone()}</td>
            <td data-label="Rule">
                <ActionForm action=save attr:class="inline-form">
                    <input type="hidden" name="category_id" value=id/>
                    <label for=format!("esc-min-{id}")>"After minutes"</label>
                    <input id=format!("esc-min-{id}") name="after_minutes" type="number" min="1" inputmode="numeric" value=minutes/>
                    <label for=format!("esc-to-{id}")>"Give it to"</label>
                    <select id=format!("esc-to-{id}") name="target">
                        <option value="" selected=rule.target.is_empty()>"No rule"</option>
                        <optgroup label="People">{people_options}</optgroup>
                        <optgroup label="Teams (the member with the fewest open incidents)">{team_options}</optgroup>
                    </select>
                    <button class="button button-quiet" type="submit">"Save"</button>
                </ActionForm>
            </td>
        </tr>
    }
}
