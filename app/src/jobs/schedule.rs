//! Each job's place in the database: when it is next due, which instance holds it (a lease
//! that lapses, so a crashed instance's claim expires: see `Job::lease_ms`), and its recent runs.
use super::catalogue::{find, schedule_label, Job, JobView, RunView, JOBS};
use crate::db::{Db, Sql};
use crate::error::AppError;
use sqlx::Row;

/// Runs kept per job for the Jobs page.
const KEPT_RUNS: i64 = 100;

/// A run this instance has claimed.
#[derive(Clone, Debug)]
pub struct Claim {
    pub job: &'static Job,
    pub run_id: i64,
    pub started_at: i64,
    pub trigger: String,
}

/// Adds the jobs the database does not know yet, due at once.
pub async fn ensure(db: &Db) -> Result<(), AppError> {
    let mut q = Sql::new("INSERT INTO job_schedule (name, next_run_at) VALUES ");
    q.rows(JOBS.iter(), |row, job| {
        row.bind(job.name).bind(0i64);
    });
    q.push(" ON CONFLICT (name) DO NOTHING");
    q.query().execute(db).await?;
    Ok(())
}

/// The jobs due at `now` that no instance holds.
pub async fn due(db: &Db, now: i64) -> Result<Vec<&'static Job>, AppError> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM job_schedule WHERE next_run_at <= $1 AND lease_until <= $1 ORDER BY name",
    )
    .bind(now)
    .fetch_all(db)
    .await?;
    Ok(names.iter().filter_map(|n| find(n)).collect())
}

/// Claims `job` for `instance` if it is still due and unheld: of several instances asking at
/// once, one gets it. Starts its run record.
pub async fn claim(
    db: &Db,
    job: &'static Job,
    instance: &str,
    now: i64,
) -> Result<Option<Claim>, AppError> {
    let claimed: Option<Option<String>> = sqlx::query_scalar(
        "UPDATE job_schedule SET lease_until = $1, lease_owner = $2
         WHERE name = $3 AND next_run_at <= $4 AND lease_until <= $4
         RETURNING requested_by",
    )
    .bind(now + job.lease_ms())
    .bind(instance)
    .bind(job.name)
    .bind(now)
    .fetch_optional(db)
    .await?;
    let Some(requested_by) = claimed else {
        return Ok(None);
    };
    let trigger = match requested_by {
        Some(who) => format!("manual ({who})"),
        None => "schedule".to_string(),
    };
    let run_id: i64 = sqlx::query_scalar(
        "INSERT INTO job_runs (job, instance, trigger, started_at, outcome)
         VALUES ($1, $2, $3, $4, 'running') RETURNING id",
    )
    .bind(job.name)
    .bind(instance)
    .bind(&trigger)
    .bind(now)
    .fetch_one(db)
    .await?;
    Ok(Some(Claim {
        job,
        run_id,
        started_at: now,
        trigger,
    }))
}

/// Records how a claimed run ended, schedules the next and lets go of the claim.
pub async fn finish(
    db: &Db,
    claim: &Claim,
    instance: &str,
    now: i64,
    outcome: Result<String, String>,
) -> Result<(), AppError> {
    let (status, detail) = match outcome {
        Ok(detail) => ("succeeded", detail),
        Err(error) => ("failed", error),
    };
    let next = (claim.started_at + claim.job.every_ms).max(now);
    let mut tx = crate::db::begin_write(db).await?;
    sqlx::query("UPDATE job_runs SET finished_at = $1, outcome = $2, detail = $3 WHERE id = $4")
        .bind(now)
        .bind(status)
        .bind(detail)
        .bind(claim.run_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE job_schedule SET next_run_at = $1, lease_until = 0, lease_owner = NULL, requested_by = NULL
         WHERE name = $2 AND lease_owner = $3",
    )
    .bind(next)
    .bind(claim.job.name)
    .bind(instance)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM job_runs WHERE job = $1 AND id <= (
             SELECT id FROM job_runs WHERE job = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)",
    )
    .bind(claim.job.name)
    .bind(KEPT_RUNS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Asks for a run of `name` as soon as possible (within a second); `who` is shown on the run.
pub async fn request(db: &Db, name: &str, who: &str, now: i64) -> Result<(), AppError> {
    if find(name).is_none() {
        return Err(AppError::NotFound(format!("The job '{name}'")));
    }
    ensure(db).await?;
    sqlx::query(
        "UPDATE job_schedule SET next_run_at = CASE WHEN next_run_at < $1 THEN next_run_at ELSE $1 END,
                                 requested_by = $2
         WHERE name = $3",
    )
    .bind(now)
    .bind(who)
    .bind(name)
    .execute(db)
    .await?;
    Ok(())
}

fn run_from(row: &sqlx::any::AnyRow) -> Result<RunView, AppError> {
    let started_at: i64 = row.try_get("started_at")?;
    let finished_at: Option<i64> = row.try_get("finished_at")?;
    Ok(RunView {
        id: row.try_get("id")?,
        started_at,
        finished_at,
        duration_ms: finished_at.map(|f| f - started_at),
        outcome: row.try_get("outcome")?,
        detail: row.try_get("detail")?,
        trigger: row.try_get("trigger")?,
        instance: row.try_get("instance")?,
    })
}

/// The most recent runs of `name`, newest first.
pub async fn runs(db: &Db, name: &str, limit: i64) -> Result<Vec<RunView>, AppError> {
    if find(name).is_none() {
        return Err(AppError::NotFound(format!("The job '{name}'")));
    }
    let rows = sqlx::query(
        "SELECT id, started_at, finished_at, outcome, detail, trigger, instance FROM job_runs
         WHERE job = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(name)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter().map(run_from).collect()
}

/// Every job with its last run, last failure and next run. `paused` says why a job does not
/// run on this setup.
pub async fn view(
    db: &Db,
    now: i64,
    paused: impl Fn(&Job) -> Option<String>,
) -> Result<Vec<JobView>, AppError> {
    let schedule =
        sqlx::query("SELECT name, next_run_at, lease_until, requested_by FROM job_schedule")
            .fetch_all(db)
            .await?;
    let mut jobs = Vec::with_capacity(JOBS.len());
    for job in JOBS {
        let row = schedule
            .iter()
            .find(|r| r.try_get::<String, _>("name").is_ok_and(|n| n == job.name));
        let (next_run_at, running, requested) = match row {
            Some(r) => (
                Some(r.try_get::<i64, _>("next_run_at")?),
                r.try_get::<i64, _>("lease_until")? > now,
                r.try_get::<Option<String>, _>("requested_by")?.is_some(),
            ),
            None => (None, false, false),
        };
        let recent = sqlx::query(
            "SELECT id, started_at, finished_at, outcome, detail, trigger, instance FROM job_runs
             WHERE job = $1 AND outcome <> 'running' ORDER BY id DESC LIMIT 1",
        )
        .bind(job.name)
        .fetch_optional(db)
        .await?;
        let failure = sqlx::query(
            "SELECT id, started_at, finished_at, outcome, detail, trigger, instance FROM job_runs
             WHERE job = $1 AND outcome = 'failed' ORDER BY id DESC LIMIT 1",
        )
        .bind(job.name)
        .fetch_optional(db)
        .await?;
        jobs.push(JobView {
            name: job.name.to_string(),
            title: job.title.to_string(),
            about: job.about.to_string(),
            schedule: schedule_label(job.every_ms),
            every_seconds: job.every_ms / 1000,
            last_run: recent.as_ref().map(run_from).transpose()?,
            last_failure: failure.as_ref().map(run_from).transpose()?,
            next_run_at: next_run_at.map(|n| n.max(0)),
            running,
            requested,
            paused: paused(job),
        });
    }
    Ok(jobs)
}
