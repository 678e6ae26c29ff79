//! `GET /api/v1/jobs` (each background job with its last run and next run) and
//! `POST /api/v1/jobs/{name}/run` (run a job now).
use app::error::{AppError, ErrorBody};
use app::jobs::{JobsView, RunView};
use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};

use app::admin::tokens::queries::ApiClient;

/// Every background job: schedule, last run, last failure, next run.
#[utoipa::path(
    get,
    path = "/api/v1/jobs",
    tag = "jobs",
    responses(
        (status = 200, description = "The jobs", body = JobsView),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
    )
)]
pub async fn list(State(state): State<AppState>) -> Result<Json<JobsView>, AppError> {
    let now = state.clock.now_ms();
    let smtp = state.settings.smtp_configured;
    let jobs =
        app::jobs::schedule::view(&state.db, now, |job| app::jobs::work::paused(job, smtp)).await?;
    Ok(Json(JobsView { jobs, now }))
}

/// The most recent runs of one job, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/jobs/{name}/runs",
    tag = "jobs",
    params(("name" = String, Path, description = "job name, e.g. loyalty_recompute")),
    responses(
        (status = 200, description = "Up to 100 runs", body = Vec<RunView>),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
    )
)]
pub async fn runs(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<Vec<RunView>>, AppError> {
    Ok(Json(
        app::jobs::schedule::runs(&state.db, &name, 100).await?,
    ))
}

/// Asks for a run of the job now: it starts within a second on one instance.
#[utoipa::path(
    post,
    path = "/api/v1/jobs/{name}/run",
    tag = "jobs",
    params(("name" = String, Path, description = "job name, e.g. loyalty_recompute")),
    responses(
        (status = 202, description = "The run is requested"),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The token may only read", body = ErrorBody),
    )
)]
pub async fn run(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    Path(name): Path<String>,
) -> Result<StatusCode, AppError> {
    let now = state.clock.now_ms();
    app::jobs::schedule::request(&state.db, &name, &client.name, now).await?;
    app::audit::Entry::new(&super::actor(&client), "job.run_requested", "job")
        .id(&name)
        .write(&state.db)
        .await?;
    Ok(StatusCode::ACCEPTED)
}
