//! The background jobs as deployed: the serve command runs them without SMTP; several
//! instances on one database run each job once per period and share sessions and import
//! progress; admins see every job's runs and start one on demand.
use crate::helpers::*;
use app::clock::Clock;
use app::jobs::JOBS;
use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::Duration;

/// `(job, started_at, finished_at, outcome, instance)` of every run so far.
async fn runs(db: &app::db::Db) -> Vec<(String, i64, Option<i64>, String, String)> {
    sqlx::query_as(
        "SELECT job, started_at, finished_at, outcome, instance FROM job_runs ORDER BY job, id",
    )
    .fetch_all(db)
    .await
    .unwrap_or_default()
}

/// Every job expected to run without SMTP: all but email delivery.
fn jobs_without_email() -> Vec<&'static str> {
    JOBS.iter()
        .map(|j| j.name)
        .filter(|n| *n != "outbox_delivery")
        .collect()
}

/// Waits until every job in `jobs` has a finished run in `db`, for up to `seconds`.
async fn until_each_ran(db: &app::db::Db, jobs: &[&str], seconds: u64) -> Vec<String> {
    let mut missing = Vec::new();
    for _ in 0..seconds * 10 {
        let done = runs(db).await;
        missing = jobs
            .iter()
            .filter(|j| !done.iter().any(|r| r.0 == **j && r.2.is_some()))
            .map(|j| j.to_string())
            .collect();
        if missing.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    missing
}

#[tokio::test]
async fn the_serve_command_without_smtp_runs_every_job_but_email_delivery() {
    let url = fresh_database().await;
    let mut server = Command::new(env!("CARGO_BIN_EXE_extramile"))
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("EXTRAMILE_ADDR", "127.0.0.1:0")
        .env("EXTRAMILE_SITE_ROOT", "target/site")
        .env("EXTRAMILE_LOG", "warn")
        .env_remove("SMTP_URL")
        .stdout(Stdio::null())
        .spawn()
        .expect("start extramile serve");
    // The server makes the database; read it once it is there.
    let mut db = None;
    for _ in 0..300 {
        if let Ok(pool) = sqlx::AnyPool::connect(&url).await {
            if sqlx::query("SELECT 1 FROM job_schedule")
                .fetch_all(&pool)
                .await
                .is_ok()
            {
                db = Some(pool);
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let db = db.expect("the server created its database");
    let missing = until_each_ran(&db, &jobs_without_email(), 60).await;
    let _ = server.kill();
    let _ = server.wait();
    assert!(missing.is_empty(), "never ran: {missing:?}");
    let failed: Vec<_> = runs(&db)
        .await
        .into_iter()
        .filter(|r| r.3 == "failed")
        .collect();
    assert!(failed.is_empty(), "runs failed: {failed:?}");
    let emailed: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM job_runs WHERE job = 'outbox_delivery'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(emailed, 0, "without SMTP emails wait in the outbox");
    db.close().await;
    remove_database(&url);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_database_run_each_job_once_per_period_and_share_sessions() {
    let url = fresh_database().await;
    let first = spawn_instance(&url, Clock::system()).await;
    let second = spawn_instance(&url, Clock::system()).await;
    let db = app::db::connect(&url, 3, 1000).await.unwrap();
    let app = TestApp {
        base: first.clone(),
        db: db.clone(),
        database_url: url.clone(),
        clock: Clock::driven(),
    };
    let missing = until_each_ran(&db, &jobs_without_email(), 60).await;
    assert!(missing.is_empty(), "never ran: {missing:?}");
    // Long enough for the five-second job to come round again, well short of a minute.
    tokio::time::sleep(Duration::from_secs(7)).await;
    let all = runs(&db).await;
    for job in JOBS.iter().filter(|j| j.name != "outbox_delivery") {
        let mine: Vec<_> = all.iter().filter(|r| r.0 == job.name).collect();
        if job.every_ms >= 60_000 {
            assert_eq!(
                mine.len(),
                1,
                "{} ran once in its first minute: {mine:?}",
                job.name
            );
        }
        for pair in mine.windows(2) {
            let (before, after) = (pair[0], pair[1]);
            assert!(
                after.1 >= before.1 + job.every_ms,
                "{} started again {} ms after its last start, on {} then {}",
                job.name,
                after.1 - before.1,
                before.4,
                after.4
            );
            assert!(
                before.2.is_some_and(|f| f <= after.1),
                "{} runs overlapped",
                job.name
            );
        }
    }
    let refreshes = all.iter().filter(|r| r.0 == "report_refresh").count();
    assert!(
        refreshes >= 2,
        "the five-second job ran again ({refreshes} runs)"
    );

    // A session made on one instance works on the other: sessions live in the database.
    let manager = app.staff_browser("manager").await;
    let res = manager
        .get(format!("{second}/incidents"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        200,
        "signed in on the first, served by the second"
    );

    // Both instances deliver webhooks; each event arrives once.
    let token = api_token(&app, "Hooks").await;
    let receiver = crate::webhooks::Receiver::start().await;
    crate::webhooks::subscribe(&app, &token, &receiver.url, &["customer.created"]).await;
    let customers: Vec<Value> = (0..5)
        .map(|n| serde_json::json!({"external_ref": format!("hook-{n}"), "name": format!("Hook {n}")}))
        .collect();
    let res = reqwest::Client::new()
        .post(format!("{second}/api/v1/customers"))
        .bearer_auth(&token)
        .json(&customers)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    for _ in 0..300 {
        if receiver.got().len() >= 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Long enough for both instances' delivery passes to come round several times.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let mut ids: Vec<String> = receiver.got().into_iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), 5, "each of five events delivered once: {ids:?}");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5);

    // Progress of an import running on the first shows on the second (PostgreSQL: SQLite has
    // one writer, so one instance serves its file).
    if url.starts_with("postgres") {
        let mut file = String::from("external_ref,name,email\n");
        for n in 0..5_000 {
            file.push_str(&format!("bulk-{n},Customer {n},bulk-{n}@example.com\n"));
        }
        let (id, view) =
            crate::imports::checked(&app, &manager, "customers", file.as_bytes()).await;
        assert_eq!(view["status"], "Ready", "{view}");
        let res = app.call(&manager, "imports/start", &[("id", &id)]).await;
        assert_eq!(res.status(), 200);
        let mut seen = None;
        for _ in 0..1200 {
            let view: Value = manager
                .post(format!("{second}/fn/imports/get"))
                .header("accept", "application/json")
                .form(&[("id", &id)])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if view["status"] != "Running" {
                assert_eq!(view["status"], "Done", "{view}");
                break;
            }
            if view["phase"].is_string() {
                seen = Some(view.clone());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let seen = seen.expect("the second instance showed the import's progress while it ran");
        assert!(seen["done"].as_i64().is_some(), "{seen}");
    }
    db.close().await;
}

#[tokio::test]
async fn run_now_starts_a_job_within_a_pass_and_names_who_asked() {
    let app = spawn_app().await;
    let token = api_token(&app, "Ops console").await;
    let res = app
        .api_post(
            &token,
            "/api/v1/jobs/loyalty_recompute/run",
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(res.status(), 202);
    let jobs: Value = app
        .api_get(&token, "/api/v1/jobs")
        .await
        .json()
        .await
        .unwrap();
    let job = jobs["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["name"] == "loyalty_recompute")
        .unwrap();
    assert_eq!(job["requested"], true, "{job}");
    app.advance(Duration::ZERO).await;
    let runs: Value = app
        .api_get(&token, "/api/v1/jobs/loyalty_recompute/runs")
        .await
        .json()
        .await
        .unwrap();
    let latest = &runs.as_array().unwrap()[0];
    assert_eq!(latest["trigger"], "manual (Ops console)", "{runs}");
    assert_eq!(latest["outcome"], "succeeded");
    let audited = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'job.run_requested' AND entity_id = 'loyalty_recompute'")
        .await;
    assert_eq!(audited, 1);
    let unknown = app
        .api_post(
            &token,
            "/api/v1/jobs/make_coffee/run",
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn a_failing_job_is_recorded_with_its_reason_and_the_others_still_run() {
    let app = spawn_app().await;
    let token = api_token(&app, "Ops console").await;
    let admin = app.staff_browser("admin").await;
    let manager = app.staff_browser("manager").await;
    // The report refresh reads this table; without it every pass fails.
    sqlx::query("DROP TABLE report_touches")
        .execute(&app.db)
        .await
        .unwrap();
    app.api_post(
        &token,
        "/api/v1/jobs/report_refresh/run",
        &serde_json::json!({}),
    )
    .await;
    app.api_post(
        &token,
        "/api/v1/jobs/import_sweep/run",
        &serde_json::json!({}),
    )
    .await;
    app.advance(Duration::ZERO).await;
    let jobs: Value = app
        .api_get(&token, "/api/v1/jobs")
        .await
        .json()
        .await
        .unwrap();
    let find = |name: &str| {
        jobs["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["name"] == name)
            .cloned()
            .unwrap()
    };
    let failing = find("report_refresh");
    assert_eq!(failing["last_run"]["outcome"], "failed", "{failing}");
    assert!(
        failing["last_failure"]["detail"]
            .as_str()
            .unwrap()
            .contains("job-report_refresh-"),
        "the failure names the log entry: {failing}"
    );
    assert_eq!(find("import_sweep")["last_run"]["outcome"], "succeeded");
    // The page shows it too, to admins only.
    let page = admin.get(app.url("/admin/jobs")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Weekly report refresh") && html.contains("job-report_refresh-"),
        "{html}"
    );
    let refused = app
        .call(&manager, "admin/jobs/run", &[("name", "import_sweep")])
        .await;
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn the_jobs_page_runs_a_job_from_a_plain_form() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let res = app
        .submit_form(
            &admin,
            "admin/jobs/run",
            "/admin/jobs",
            &[("name", "import_sweep")],
        )
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(location(&res), "/admin/jobs?flash=job-requested");
    app.advance(Duration::ZERO).await;
    let manual = app
        .count(
            "SELECT COUNT(*) FROM job_runs WHERE job = 'import_sweep' AND trigger LIKE 'manual (%'",
        )
        .await;
    assert_eq!(manual, 1);
}
