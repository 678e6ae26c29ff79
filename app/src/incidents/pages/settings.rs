//! Incident settings for managers: the approval limit, service levels and the categories.
use crate::components::flash::Flash;
use crate::components::form::{FormAlert, TextField};
use crate::components::layout::{LoadError, PageHeader};
use crate::incidents::api::{load_incident_settings, SaveCategory, SaveIncidentSettings};
use crate::incidents::Severity;
use leptos::prelude::*;

#[component]
pub fn IncidentSettingsPage() -> impl IntoView {
    let save = ServerAction::<SaveIncidentSettings>::new();
    let category = ServerAction::<SaveCategory>::new();
    let data = Resource::new(
        move || (save.version().get(), category.version().get()),
        |_| load_incident_settings(),
    );
    let save_error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let category_error = Signal::derive(move || category.value().get().and_then(|r| r.err()));
    // A rising theme links here with its name, to make a category of it in one step.
    let suggested = StoredValue::new(
        leptos_router::hooks::use_query_map()
            .with_untracked(|q| q.get("category_name").unwrap_or_default()),
    );
    view! {
        <PageHeader title="Incident settings".into()/>
        <Flash/>
        <Transition fallback=|| view! { <p class="loading">"Loading settings…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(s) => {
                        let rules = s.approvals.clone();
                        let limit = rules.limits.first().map(|m| m.amount()).unwrap_or_default();
                        let others = rules.other_limits_text();
                        let [am, aj, ac] = s.service_levels.acknowledge_hours.map(|h| h.to_string());
                        let [rm, rj, rc] = s.service_levels.resolve_hours.map(|h| h.to_string());
                        view! {
                            <section class="card">
                                <h2>"Approval limits and service levels"</h2>
                                <ActionForm action=save attr:class="form">
                                    <FormAlert error=save_error/>
                                    <p class="hint">{format!("Amounts are in the organisation currency, {}, which an admin sets under Admin → Exchange rates.", rules.currency)}</p>
                                    <input type="hidden" name="currency" value=rules.currency.clone()/>
                                    <TextField label="An incident's recovery may spend up to this much (refunds, credits and every other cost added up) before a manager approves" name="approval_limit" value=limit error=save_error/>
                                    <TextField label="Limits in other currencies you accept, e.g. EUR 45.00, GBP 40.00 (amounts in any other currency always wait for approval)" name="other_limits" value=others error=save_error/>
                                    <label class="checkbox">
                                        <input type="checkbox" name="allow_self_approval" value="on" checked=rules.allow_self_approval/>
                                        " Let the person who proposed a recovery approve it too (only for teams with one manager; each such approval is recorded)"
                                    </label>
                                    <fieldset class="field-row">
                                        <legend>"Hours to acknowledge"</legend>
                                        <TextField label="Minor" name="ack_minor" kind="number" value=am error=save_error/>
                                        <TextField label="Major" name="ack_major" kind="number" value=aj error=save_error/>
                                        <TextField label="Critical" name="ack_critical" kind="number" value=ac error=save_error/>
                                    </fieldset>
                                    <fieldset class="field-row">
                                        <legend>"Hours to resolve"</legend>
                                        <TextField label="Minor" name="resolve_minor" kind="number" value=rm error=save_error/>
                                        <TextField label="Major" name="resolve_major" kind="number" value=rj error=save_error/>
                                        <TextField label="Critical" name="resolve_critical" kind="number" value=rc error=save_error/>
                                    </fieldset>
                                    <div class="form-actions"><button class="button" type="submit">"Save settings"</button></div>
                                </ActionForm>
                            </section>
                            <section class="card">
                                <h2>"Categories"</h2>
                                <FormAlert error=category_error/>
                                <div class="table-wrap"><table class="table">
                                    <thead><tr><th>"Category, default severity and status"</th></tr></thead>
                                    <tbody>
                                        {s.categories.into_iter().map(|c| view! {
                                            <tr><td>
                                                <ActionForm action=category attr:class="inline-form">
                                                    <input type="hidden" name="id" value=c.id/>
                                                    <label class="visually-hidden" for=format!("cat-{}", c.id)>"Name"</label>
                                                    <input id=format!("cat-{}", c.id) name="name" value=c.name.clone()/>
                                                    <SeveritySelect id=format!("cat-sev-{}", c.id) selected=c.default_severity label=format!("Default severity of {}", c.name)/>
                                                    <label class="visually-hidden" for=format!("cat-active-{}", c.id)>"Status"</label>
                                                    <select id=format!("cat-active-{}", c.id) name="active">
                                                        <option value="1" selected=c.active>"In use"</option>
                                                        <option value="0" selected=!c.active>"Retired"</option>
                                                    </select>
                                                    <button class="button button-quiet" type="submit">"Save"</button>
                                                </ActionForm>
                                            </td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table></div>
                                <h3 id="add-category">"Add a category"</h3>
                                <ActionForm action=category attr:class="inline-form">
                                    <input type="hidden" name="id" value=""/>
                                    <input type="hidden" name="active" value="1"/>
                                    <label class="visually-hidden" for="new-category">"New category name"</label>
                                    <input id="new-category" name="name" placeholder="New category name" value=suggested.get_value()/>
                                    <SeveritySelect id="new-category-severity".into() selected=Severity::Minor label="Default severity of the new category".into()/>
                                    <button class="button" type="submit">"Add category"</button>
                                </ActionForm>
                            </section>
                            <super::escalation::EscalationRulesSection/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn SeveritySelect(id: String, selected: Severity, label: String) -> impl IntoView {
    view! {
        <label class="visually-hidden" for=id.clone()>{label}</label>
        <select id=id name="default_severity">
            {Severity::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == selected>{s.label()}</option> }).collect_view()}
        </select>
    }
}
