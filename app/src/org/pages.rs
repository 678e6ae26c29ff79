//! The organisation page: its time zone, its teams and who is in each.
use super::api::SaveReportAccess;
use super::api::{load_org_settings, AssignTeam, CreateTeam, SaveTimeZone};
use crate::components::flash::Flash;
use crate::components::form::{error_of, FormAlert, TextField};
use crate::components::layout::{LoadError, PageHeader};
use leptos::prelude::*;

#[component]
pub fn OrganisationPage() -> impl IntoView {
    let save_tz = ServerAction::<SaveTimeZone>::new();
    let create = ServerAction::<CreateTeam>::new();
    let assign = ServerAction::<AssignTeam>::new();
    let access = ServerAction::<SaveReportAccess>::new();
    let data = Resource::new(
        move || {
            (
                access.version().get(),
                save_tz.version().get(),
                create.version().get(),
                assign.version().get(),
            )
        },
        |_| load_org_settings(),
    );
    let tz_error = error_of(save_tz.value());
    let create_error = error_of(create.value());
    let assign_error = error_of(assign.value());
    view! {
        <PageHeader title="Organisation".into()/>
        <Flash/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(s) => {
                        let current = s.time_zone.clone();
                        let teams = s.teams.clone();
                        view! {
                            <section class="card">
                                <h2>"Time zone"</h2>
                                <p class="hint">"Days and ISO weeks (Monday to Sunday) begin at midnight here: story streaks, “this week” and the weekly figures follow it."</p>
                                <ActionForm action=save_tz attr:class="form">
                                    <FormAlert error=tz_error/>
                                    <div class="field">
                                        <label for="f-time_zone">"Time zone"</label>
                                        <select id="f-time_zone" name="time_zone">
                                            {s.time_zones.into_iter().map(|z| {
                                                let selected = z == current;
                                                view! { <option value=z.clone() selected=selected>{z.clone()}</option> }
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="form-actions"><button class="button" type="submit">"Save time zone"</button></div>
                                </ActionForm>
                            </section>
                            <section class="card">
                                <h2>"Weekly report"</h2>
                                <ActionForm action=access attr:class="form">
                                    <label class="checkbox">
                                        <input type="checkbox" name="open" value="1" checked=s.associates_see_reports/>
                                        " Associates may open their team's and the whole organisation's weekly report"
                                    </label>
                                    <p class="hint">"Off: associates see only their own figures; managers and admins see every scope."</p>
                                    <div class="form-actions"><button class="button" type="submit">"Save"</button></div>
                                </ActionForm>
                            </section>
                            <super::weekly_email::WeeklyEmailSection/>
                            <section class="card">
                                <h2>"Teams"</h2>
                                <FormAlert error=assign_error/>
                                {if teams.is_empty() {
                                    view! { <p class="muted">"No teams yet. Managers see story cadence per team; create the first below."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="plain-list">
                                            {teams.iter().map(|t| view! { <li>{format!("{} · {} active", t.name, t.members)}</li> }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                                <div class="table-wrap"><table class="table">
                                    <thead><tr><th>"Person"</th><th>"Role"</th><th>"Team"</th></tr></thead>
                                    <tbody>
                                        {s.members.into_iter().map(|m| {
                                            let teams = teams.clone();
                                            view! {
                                                <tr>
                                                    <td data-label="Person">{m.name.clone()}</td>
                                                    <td data-label="Role">{m.role.label()}</td>
                                                    <td data-label="Team">
                                                        <ActionForm action=assign attr:class="inline-form">
                                                            <input type="hidden" name="staff_id" value=m.id/>
                                                            <label class="visually-hidden" for=format!("team-{}", m.id)>{format!("Team of {}", m.name)}</label>
                                                            <select id=format!("team-{}", m.id) name="team">
                                                                <option value="" selected=m.team_id.is_none()>"No team"</option>
                                                                {teams.into_iter().map(|t| view! {
                                                                    <option value=t.id selected=m.team_id == Some(t.id)>{t.name}</option>
                                                                }).collect_view()}
                                                            </select>
                                                            <button class="button button-quiet" type="submit">"Save"</button>
                                                        </ActionForm>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table></div>
                                <ActionForm action=create attr:class="form">
                                    <FormAlert error=create_error/>
                                    <TextField label="New team" name="name" required=true autocomplete="off" error=create_error/>
                                    <div class="form-actions"><button class="button" type="submit">"Create team"</button></div>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
        <super::retention::RetentionSection/>
    }
}
