//! The weekly report (the page a manager opens, and its JSON), the incidents list, the customer
//! profile, the dashboard a signed-in manager lands on and a keyword search of incidents under
//! load, on a database filled by `extramile generate`. Requests pick a random week of the last
//! year and a random scope (organisation, team, associate); searches pick a customer's full
//! name, a surname, a common word ("the") or a word none holds. Reports
//! p50/p95/p99 latency and requests per second, and for the report each scope's own.
//! A benchmark, not a test: nothing here asserts a time.
//!
//! `cargo bench -p server --bench weekly_report` generates `BENCH_CUSTOMERS` (default 100,000)
//! customers into a fresh SQLite file, or a fresh PostgreSQL database with
//! `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres`; `BENCH_REQUESTS` (default
//! 100) sets the requests per endpoint; `BENCH_KEEP=name` keeps the database for the next run;
//! `BENCH_WARMUP` (default 50) requests per endpoint go first, unmeasured; `BENCH_VERBOSE=1`
//! lists the slowest requests; `BENCH_ONLY=dashboard,search` measures only the endpoints whose
//! names hold one of those words; `BENCH_CLIENTS=n` (default 8) measures each endpoint's
//! throughput again with n clients at once. The database is read through once before measuring
//! (a warm server); `BENCH_SLOW_MS=n` logs statements slower than n ms.
use app::audit::Actor;
use common::{database, percentile};
use rand::{Rng, SeedableRng};
use server::config::Config;
use server::Application;
use std::time::{Duration, Instant};

#[path = "common.rs"]
mod common;

/// Picks the next request's path.
type PathOf<'a> = Box<dyn Fn(&mut rand::rngs::StdRng) -> String + 'a>;

/// First names and surnames as `extramile generate` combines them into customers' names.
const FIRST: [&str; 4] = ["Ana", "Chen", "Kai", "Omar"];
const LAST: [&str; 4] = ["Reyes", "Lindqvist", "Patel", "Vidal"];

/// Waits until every background job has finished a run and none is running (outbox delivery
/// aside: it waits for a mailer), so the measurement sees a server at rest rather than its first passes over a fresh
/// history: on a newly generated million customers, the first escalation pass alone notifies
/// thousands of old breaches for minutes.
async fn settle(db: &sqlx::AnyPool) {
    let started = Instant::now();
    let since = app::db::now_ms() - 5_000;
    let jobs: Vec<&str> = app::jobs::catalogue::JOBS
        .iter()
        .map(|j| j.name)
        .filter(|n| *n != "outbox_delivery")
        .collect();
    loop {
        // A job has settled once it finished a run, on this server or an earlier one on a kept
        // database (an hourly job may not be due again for an hour).
        let done: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT job FROM job_runs WHERE finished_at IS NOT NULL")
                .fetch_all(db)
                .await
                .unwrap();
        // A run left unfinished by an earlier server that was stopped does not count.
        let running: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM job_runs WHERE finished_at IS NULL AND started_at >= $1",
        )
        .bind(since)
        .fetch_one(db)
        .await
        .unwrap();
        let waiting: Vec<&&str> = jobs
            .iter()
            .filter(|j| !done.iter().any(|d| d == **j))
            .collect();
        if waiting.is_empty() && running == 0 {
            break;
        }
        if started.elapsed() > Duration::from_secs(1200) {
            println!("jobs still running after 20 minutes: {waiting:?}; measuring anyway");
            break;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    println!(
        "background jobs at rest after {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let customers = env("BENCH_CUSTOMERS", 100_000);
    let requests = env("BENCH_REQUESTS", 100);
    let url = database().await;
    let config = Config {
        database_url: url.clone(),
        addr: "127.0.0.1:0".parse().unwrap(),
        log_filter: std::env::var("BENCH_LOG").unwrap_or_else(|_| "warn".into()),
        seed_demo: false,
        db_max_connections: 10,
        slow_query_ms: env("BENCH_SLOW_MS", 1000) as u64,
        site_root: "target/site".into(),
        smtp_url: None,
        mail_from: "Extra Mile <notices@localhost>".into(),
        settings: Default::default(),
    };
    server::cli::init_tracing(&config.log_filter);
    let app = Application::build(&config).await.expect("app builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let db = app.state.db.clone();
    let started = Instant::now();
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers")
        .fetch_one(&db)
        .await
        .unwrap();
    let aggregated: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM report_weeks")
        .fetch_one(&db)
        .await
        .unwrap();
    assert!(
        existing == 0 || existing as usize >= customers,
        "the kept database holds an unfinished generation: drop it and run again"
    );
    if existing > 0 && aggregated == 0 {
        // A migration that changed what the weeks hold drops them to be computed again.
        let started = Instant::now();
        let weeks = app::reports::aggregates::refresh::rebuild(&db, app::db::now_ms())
            .await
            .unwrap();
        println!(
            "rebuilt {weeks} weeks of aggregates in {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    let customers = if existing > 0 {
        println!("reusing the kept database: {existing} customers");
        existing as usize
    } else {
        let rows = server::generate::run(&db, customers, 7)
            .await
            .expect("generate");
        println!(
            "generated {customers} customers, {rows} rows in {:.0} s",
            started.elapsed().as_secs_f64()
        );
        customers
    };
    let (_, token) = app::admin::tokens::queries::create(
        &db,
        "bench",
        Default::default(),
        None,
        &Actor::system("bench"),
    )
    .await
    .unwrap();
    let teams: Vec<i64> = sqlx::query_scalar("SELECT id FROM teams")
        .fetch_all(&db)
        .await
        .unwrap();
    let staff: Vec<i64> = sqlx::query_scalar("SELECT id FROM staff_users WHERE role = 'associate'")
        .fetch_all(&db)
        .await
        .unwrap();
    let manager: i64 = sqlx::query_scalar("SELECT MIN(id) FROM staff_users WHERE role = 'manager'")
        .fetch_one(&db)
        .await
        .unwrap();
    let session = app::accounts::sessions::start(
        &db,
        app::accounts::sessions::AccountKind::Staff,
        manager,
        "127.0.0.1",
    )
    .await
    .unwrap();
    let cookie = format!("{}={session}", app::accounts::sessions::COOKIE);
    tokio::spawn(app.run_until_stopped());
    settle(&db).await;
    common::prewarm(&db, &url).await;
    let dialect = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!("on {dialect}, {requests} requests per endpoint, one client");
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let today = chrono::Utc::now().date_naive();
    let http = reqwest::Client::new();
    let scoped = |rng: &mut rand::rngs::StdRng, path: &str| {
        let day = today - chrono::Duration::days(rng.gen_range(7..365));
        let week = app::common::moment::week_label(day);
        match rng.gen_range(0..3) {
            0 => format!("{path}?week={week}"),
            1 => format!(
                "{path}?week={week}&team={}",
                teams[rng.gen_range(0..teams.len())]
            ),
            _ => format!(
                "{path}?week={week}&associate={}",
                staff[rng.gen_range(0..staff.len())]
            ),
        }
    };
    // What people type into the incidents search: a customer's full name (a few hundred
    // customers at 100,000), a surname (a twelfth of them), a common word (half the generated
    // incidents' descriptions hold "the") and a word nothing holds (nothing to stop at).
    let keyword = |rng: &mut rand::rngs::StdRng| match rng.gen_range(0..4) {
        0 => format!(
            "{}%20{}",
            FIRST[rng.gen_range(0..FIRST.len())],
            LAST[rng.gen_range(0..LAST.len())]
        ),
        1 => LAST[rng.gen_range(0..LAST.len())].to_lowercase(),
        2 => "the".to_string(),
        _ => "zeppelin".to_string(),
    };
    let endpoints: [(&str, PathOf<'_>); 6] = [
        (
            "weekly report page",
            Box::new(|rng| scoped(rng, "/reports/weekly")),
        ),
        (
            "weekly report JSON",
            Box::new(|rng| scoped(rng, "/api/v1/reports/weekly")),
        ),
        (
            "incidents list",
            Box::new(|rng| {
                let day = today - chrono::Duration::days(rng.gen_range(7..365));
                format!(
                    "/api/v1/incidents?week={}",
                    app::common::moment::week_label(day)
                )
            }),
        ),
        (
            "customer profile",
            Box::new(move |rng| {
                format!(
                    "/api/v1/customers/g-{}/profile",
                    rng.gen_range(1..=customers)
                )
            }),
        ),
        ("dashboard page", Box::new(|_| "/dashboard".to_string())),
        (
            "incidents keyword search",
            Box::new(move |rng| format!("/api/v1/incidents?q={}", keyword(rng))),
        ),
    ];
    // Pages are read with the manager's session cookie, the API with the token.
    let get = |url: &str| {
        let req = http.get(format!("{base}{url}"));
        if url.starts_with("/api/") {
            req.bearer_auth(&token)
        } else {
            req.header(reqwest::header::COOKIE, &cookie)
        }
    };
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let chosen = |name: &str| only.is_empty() || only.split(',').any(|w| name.contains(w.trim()));
    for (name, path) in endpoints.iter().filter(|(name, _)| chosen(name)) {
        // Warm the caches first: the targets are for a warm server.
        for _ in 0..env("BENCH_WARMUP", 50) {
            let _ = get(&path(&mut rng)).send().await;
        }
        let mut latencies: Vec<Duration> = Vec::new();
        let mut slowest: Vec<(Duration, String)> = Vec::new();
        let started = Instant::now();
        for _ in 0..requests {
            let t = Instant::now();
            let url = path(&mut rng);
            let res = get(&url).send().await.unwrap();
            assert_eq!(res.status(), 200, "{url}");
            res.bytes().await.unwrap();
            latencies.push(t.elapsed());
            slowest.push((t.elapsed(), url));
        }
        slowest.sort();
        let elapsed = started.elapsed();
        latencies.sort();
        println!(
            "  {name}: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, {:.1} requests/s",
            percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
            percentile(&latencies, 0.95).as_secs_f64() * 1000.0,
            percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
            requests as f64 / elapsed.as_secs_f64()
        );
        if name.starts_with("weekly") {
            for (scope, marker) in [
                ("organisation", None),
                ("team", Some("&team=")),
                ("associate", Some("&associate=")),
            ] {
                let mut of: Vec<Duration> = slowest
                    .iter()
                    .filter(|(_, u)| match marker {
                        Some(m) => u.contains(m),
                        None => !u.contains("&team=") && !u.contains("&associate="),
                    })
                    .map(|(t, _)| *t)
                    .collect();
                of.sort();
                if !of.is_empty() {
                    println!(
                        "    {scope} ({}): p50 {:.1} ms, p95 {:.1} ms",
                        of.len(),
                        percentile(&of, 0.50).as_secs_f64() * 1000.0,
                        percentile(&of, 0.95).as_secs_f64() * 1000.0
                    );
                }
            }
        }
        if name.ends_with("search") {
            for (kind, matches) in [
                (
                    "full name",
                    (|u: &str| u.contains("%20")) as fn(&str) -> bool,
                ),
                ("surname", |u| {
                    !u.contains("%20") && !u.ends_with("=the") && !u.ends_with("=zeppelin")
                }),
                ("common word", |u| u.ends_with("=the")),
                ("no incident", |u| u.ends_with("=zeppelin")),
            ] {
                let mut of: Vec<Duration> = slowest
                    .iter()
                    .filter(|(_, u)| matches(u))
                    .map(|(t, _)| *t)
                    .collect();
                of.sort();
                if !of.is_empty() {
                    println!(
                        "    {kind} ({}): p50 {:.1} ms, p95 {:.1} ms",
                        of.len(),
                        percentile(&of, 0.50).as_secs_f64() * 1000.0,
                        percentile(&of, 0.95).as_secs_f64() * 1000.0
                    );
                }
            }
        }
        if std::env::var("BENCH_VERBOSE").is_ok() {
            for (t, url) in slowest.iter().rev().take(8) {
                println!("    {:.1} ms {url}", t.as_secs_f64() * 1000.0);
            }
        }
        let clients = env("BENCH_CLIENTS", 8).max(1);
        if clients > 1 {
            let urls: Vec<String> = (0..requests).map(|_| path(&mut rng)).collect();
            let started = Instant::now();
            let runs = urls.chunks(requests.div_ceil(clients)).map(|chunk| {
                let get = &get;
                async move {
                    for url in chunk {
                        let res = get(url).send().await.unwrap();
                        assert_eq!(res.status(), 200, "{url}");
                        res.bytes().await.unwrap();
                    }
                }
            });
            futures::future::join_all(runs).await;
            println!(
                "    {clients} clients at once: {:.1} requests/s",
                requests as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
}
