//! The scheduler every instance runs: once a second it claims the jobs that are due and runs
//! each in its own task, so a slow job never holds up the others. Claims make each run happen
//! on one instance only; a failure is logged with its job and run and shown on the Jobs page.
use super::schedule::{self, Claim};
use super::work::{self, Context};
use std::collections::HashMap;
use std::time::Duration;
use tokio::task::JoinHandle;

/// A name for this process among the instances sharing the database.
fn instance_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "instance".to_string());
    let tag: u32 = rand::random();
    format!("{host}-{}-{tag:08x}", std::process::id())
}

/// Runs the jobs for as long as the process lives.
pub async fn run(ctx: Context) {
    let instance = instance_name();
    let smtp = ctx.mailer.is_some();
    let mut ticker = ctx.clock.ticker(Duration::from_secs(1));
    let mut ready = false;
    let mut running: HashMap<&'static str, JoinHandle<()>> = HashMap::new();
    loop {
        if !ready {
            match schedule::ensure(&ctx.db).await {
                Ok(()) => ready = true,
                Err(e) => tracing::error!("could not register the background jobs: {e}"),
            }
        }
        running.retain(|_, task| !task.is_finished());
        if ready {
            let now = ctx.clock.now_ms();
            match schedule::due(&ctx.db, now).await {
                Err(e) => tracing::error!("could not read which jobs are due: {e}"),
                Ok(due) => {
                    for job in due {
                        if running.contains_key(job.name) || work::paused(job, smtp).is_some() {
                            continue;
                        }
                        match schedule::claim(&ctx.db, job, &instance, now).await {
                            Ok(Some(claim)) => {
                                let task =
                                    tokio::spawn(run_claimed(ctx.clone(), claim, instance.clone()));
                                running.insert(job.name, task);
                            }
                            Ok(None) => {}
                            Err(e) => tracing::error!(job = job.name, "could not claim: {e}"),
                        }
                    }
                }
            }
        }
        // A driven clock's pass ends when its work has: a test that moves time sees what the
        // move set off.
        if ctx.clock.is_driven() {
            for (_, task) in running.drain() {
                let _ = task.await;
            }
        }
        ticker.tick().await;
    }
}

/// Runs a claimed job, catching a panic as a failure, and records the outcome.
async fn run_claimed(ctx: Context, claim: Claim, instance: String) {
    let job = claim.job;
    let started = std::time::Instant::now();
    let pass = {
        let ctx = ctx.clone();
        let at = claim.started_at;
        // Errors logged deep inside the job name this run, as the page's failure does.
        let reference = format!("job-{}-{}", job.name, claim.run_id);
        tokio::spawn(crate::request_id::scope(reference, async move {
            work::run(job, &ctx, at).await
        }))
    };
    let outcome = match pass.await {
        Ok(Ok(detail)) => Ok(detail),
        Ok(Err(crate::error::AppError::Internal { request_id })) => Err(format!(
            "An internal error stopped it; the server log has the detail under {request_id}."
        )),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(format!("the job stopped unexpectedly: {e}")),
    };
    let seconds = started.elapsed().as_secs_f64();
    let label = if outcome.is_ok() {
        "succeeded"
    } else {
        "failed"
    };
    metrics::counter!("extramile_job_runs_total", "job" => job.name, "outcome" => label)
        .increment(1);
    metrics::histogram!("extramile_job_duration_seconds", "job" => job.name).record(seconds);
    if let Err(error) = &outcome {
        tracing::error!(
            job = job.name,
            run = claim.run_id,
            trigger = %claim.trigger,
            seconds,
            "background job failed: {error}"
        );
    }
    let now = ctx.clock.now_ms();
    if let Err(e) = schedule::finish(&ctx.db, &claim, &instance, now, outcome).await {
        tracing::error!(
            job = job.name,
            run = claim.run_id,
            "could not record the run: {e}"
        );
    }
}
