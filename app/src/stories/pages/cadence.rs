//! The manager's view of the weekly cadence: per team, who has a story this week and last.
use crate::components::layout::{EmptyState, LoadError, PageHeader};
use crate::stories::api::story_cadence;
use leptos::prelude::*;

fn mark(count: i64) -> String {
    match count {
        0 => "—".into(),
        1 => "✓ 1 story".into(),
        n => format!("✓ {n} stories"),
    }
}

#[component]
pub fn CadencePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| story_cadence());
    view! {
        <PageHeader title="Story cadence".into()>
            <a class="button button-quiet" href="/stories">"Library"</a>
        </PageHeader>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(c) if c.teams.is_empty() => view! {
                        <EmptyState title="No active associates"><p>"Associates appear here once they have accounts."</p></EmptyState>
                    }.into_any(),
                    Ok(c) => {
                        let total: usize = c.teams.iter().map(|t| t.rows.len()).sum();
                        let with: usize = c.teams.iter().flat_map(|t| &t.rows).filter(|r| r.this_week > 0).count();
                        view! {
                            <p class="lead">{format!("{with} of {total} associates have a story this week ({}). Last week is {}.", c.this_week, c.last_week)}</p>
                            {c.teams.into_iter().map(|t| {
                                let (this_week, last_week) = (c.this_week.clone(), c.last_week.clone());
                                view! {
                                    <section class="card" data-testid="cadence-team">
                                        <h2>{t.team.clone()}</h2>
                                        <div class="table-wrap"><table class="table">
                                            <thead><tr><th>"Associate"</th><th>{format!("This week ({this_week})")}</th><th>{format!("Last week ({last_week})")}</th><th>"Streak"</th></tr></thead>
                                            <tbody>
                                                {t.rows.into_iter().map(|r| view! {
                                                    <tr class:row-muted=r.this_week == 0>
                                                        <td data-label="Associate"><a href=format!("/stories?associate={}", r.staff_id)>{r.name.clone()}</a></td>
                                                        <td data-label="This week" class:no=r.this_week == 0>
                                                            {if r.this_week > 0 { mark(r.this_week) } else { "None yet".into() }}</td>
                                                        <td data-label="Last week" class:no=r.last_week == 0>{mark(r.last_week)}</td>
                                                        <td data-label="Streak">{format!("{} {}", r.streak, if r.streak == 1 { "week" } else { "weeks" })}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table></div>
                                    </section>
                                }
                            }).collect_view()}
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
