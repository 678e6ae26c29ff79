//! Admin → Jobs: each job, its schedule, its last run and failure, its next run and a "Run
//! now" button; and a job's recent runs.
use super::{JobsView, RunView};
#[cfg(feature = "ssr")]
use crate::accounts::Role;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/fn", endpoint = "admin/jobs")]
pub async fn jobs() -> Result<JobsView, AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let state = &admin.state;
        let now = state.clock.now_ms();
        let smtp = state.settings.smtp_configured;
        let jobs =
            super::schedule::view(&state.db, now, |job| super::work::paused(job, smtp)).await?;
        Ok(JobsView { jobs, now })
    })
    .await
}

#[server(prefix = "/fn", endpoint = "admin/jobs/runs")]
pub async fn job_runs(name: String) -> Result<Vec<RunView>, AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        super::schedule::runs(&admin.state.db, &name, 100).await
    })
    .await
}

/// Asks for a run of job `name` now; it starts within a second on one instance.
#[server(prefix = "/fn", endpoint = "admin/jobs/run")]
pub async fn run_job(name: String) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let db = &admin.state.db;
        let now = admin.state.clock.now_ms();
        super::schedule::request(db, &name, &admin.viewer.email, now).await?;
        crate::audit::Entry::new(&admin.actor(), "job.run_requested", "job")
            .id(&name)
            .ip(&admin.ctx.ip)
            .write(db)
            .await?;
        leptos_axum::redirect("/admin/jobs?flash=job-requested");
        Ok(())
    })
    .await
}

fn duration_label(ms: i64) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

#[component]
fn RunSummary(run: RunView) -> impl IntoView {
    use crate::components::time::format_ms;
    let class = format!("badge job-{}", run.outcome);
    view! {
        <span class=class>{run.outcome.clone()}</span>
        " "
        {format_ms(run.started_at)}
        {run.duration_ms.map(|d| format!(" · took {}", duration_label(d)))}
        {run.detail.map(|d| view! { <span class="job-detail">{format!(" · {d}")}</span> })}
    }
}

pub mod views {
    use super::*;
    use crate::components::layout::{EmptyState, LoadError, PageHeader};
    use crate::components::time::format_ms;
    use leptos_router::hooks::use_params_map;

    #[component]
    pub fn JobsPage() -> impl IntoView {
        let run = ServerAction::<RunJob>::new();
        let data = Resource::new(move || run.version().get(), |_| jobs());
        let run_error = Signal::derive(move || run.value().get().and_then(|r| r.err()));
        view! {
            <PageHeader title="Jobs".into()/>
            <p class="muted">"Work that runs on its own. Each run is claimed in the database, so with several instances every job still runs once per period."</p>
            {move || run_error.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            <Transition fallback=|| view! { <p class="loading">"Loading jobs…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                        Ok(v) => view! {
                            <ul class="jobs">
                                {v.jobs.into_iter().map(|job| {
                                    let href = format!("/admin/jobs/{}", job.name);
                                    let state = if job.paused.is_some() {
                                        "Paused on this setup".to_string()
                                    } else if job.running {
                                        "Running now".to_string()
                                    } else if job.requested {
                                        "Run requested: starts within a second".to_string()
                                    } else {
                                        match job.next_run_at {
                                            Some(at) if at <= v.now => "Due now".to_string(),
                                            Some(at) => format!("Next run {}", format_ms(at)),
                                            None => "Not run yet".to_string(),
                                        }
                                    };
                                    view! {
                                        <li class="card job">
                                            <div class="job-head">
                                                <h2><a href=href>{job.title.clone()}</a></h2>
                                                <span class="muted small">{job.schedule.clone()}</span>
                                            </div>
                                            <p class="small">{job.about.clone()}</p>
                                            {job.paused.clone().map(|p| view! { <p class="small notice">{p}</p> })}
                                            <p class="small">
                                                <strong>"Last run: "</strong>
                                                {match job.last_run.clone() {
                                                    Some(r) => view! { <RunSummary run=r/> }.into_any(),
                                                    None => view! { <span>"never"</span> }.into_any(),
                                                }}
                                            </p>
                                            {job.last_failure.clone().filter(|f| job.last_run.as_ref().is_none_or(|r| r.id != f.id)).map(|f| view! {
                                                <p class="small field-error"><strong>"Last failure: "</strong><RunSummary run=f/></p>
                                            })}
                                            <div class="job-foot">
                                                <span class="small">{state}</span>
                                                <ActionForm action=run attr:class="inline-form">
                                                    <input type="hidden" name="name" value=job.name.clone()/>
                                                    <button class="button" type="submit" disabled=job.paused.is_some()>
                                                        {format!("Run {} now", job.title.to_lowercase())}
                                                    </button>
                                                </ActionForm>
                                            </div>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        }
    }

    #[component]
    pub fn JobRunsPage() -> impl IntoView {
        let params = use_params_map();
        let name = move || params.read().get("name").unwrap_or_default();
        let data = Resource::new(name, job_runs);
        let title = move || {
            super::super::catalogue::find(&name())
                .map(|j| j.title.to_string())
                .unwrap_or_else(|| "Job".to_string())
        };
        view! {
            <PageHeader title=title()>
                <a class="button" href="/admin/jobs">"All jobs"</a>
            </PageHeader>
            <Transition fallback=|| view! { <p class="loading">"Loading runs…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                        Ok(runs) if runs.is_empty() => view! {
                            <EmptyState title="No runs yet"><p>"Runs appear here as they happen."</p></EmptyState>
                        }.into_any(),
                        Ok(runs) => view! {
                            <div class="table-wrap">
                                <table class="table">
                                    <thead><tr>
                                        <th scope="col">"Started"</th><th scope="col">"Took"</th><th scope="col">"Outcome"</th>
                                        <th scope="col">"What happened"</th><th scope="col">"Trigger"</th><th scope="col">"Instance"</th>
                                    </tr></thead>
                                    <tbody>
                                        {runs.into_iter().map(|r| view! {
                                            <tr>
                                                <td>{format_ms(r.started_at)}</td>
                                                <td>{r.duration_ms.map(duration_label).unwrap_or_else(|| "—".into())}</td>
                                                <td><span class=format!("badge job-{}", r.outcome)>{r.outcome.clone()}</span></td>
                                                <td>{r.detail.clone().unwrap_or_default()}</td>
                                                <td>{r.trigger.clone()}</td>
                                                <td class="small">{r.instance.clone()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                    }
                })}
            </Transition>
        }
    }
}
