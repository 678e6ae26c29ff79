-- The background jobs: each job's next run and the claim of the instance running it (a lease
-- that expires, so a crashed instance's claim lapses), and the history of recent runs.
CREATE TABLE job_schedule (
    name TEXT PRIMARY KEY,
    next_run_at BIGINT NOT NULL,
    lease_until BIGINT NOT NULL DEFAULT 0,
    lease_owner TEXT,
    requested_by TEXT
);

CREATE TABLE job_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job TEXT NOT NULL,
    instance TEXT NOT NULL,
    trigger TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    outcome TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX job_runs_job_idx ON job_runs (job, id);

-- Import progress lives with the import, so every instance shows it.
ALTER TABLE imports ADD COLUMN progress_done BIGINT NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN progress_phase TEXT;
