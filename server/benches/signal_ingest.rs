//! Signal ingestion throughput: batches of 1,000 signals posted to `POST /api/v1/signals` on a
//! real server, from one client and from several at once. Reports signals per second and batch
//! latency percentiles. A benchmark, not a test: nothing here asserts a time.
//!
//! `cargo bench -p server --bench signal_ingest` runs on a fresh SQLite file; with
//! `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres` on a fresh PostgreSQL
//! database. `BENCH_BATCHES` (default 60) sets the batches per run; `BENCH_CLIENTS` (default
//! "1,4") the client counts. `BENCH_MATCH_EVERY` (default 50, so 2%) how often a signal crosses
//! the demo rule's threshold and opens or joins an incident, with its refund and notice.
use app::audit::Actor;
use common::{database, percentile};
use serde_json::{json, Value};
use server::config::Config;
use server::Application;
use std::time::{Duration, Instant};

#[path = "common.rs"]
mod common;

const CUSTOMERS: usize = 10_000;

fn batch(run: usize, batch_no: usize, match_every: usize) -> Value {
    let items: Vec<Value> = (0..1000)
        .map(|i| {
            let n = batch_no * 1000 + i;
            // Every `match_every`th signal crosses the rule's 5% threshold (0: none does).
            let value = if match_every > 0 && n.is_multiple_of(match_every) {
                0.12
            } else {
                0.01
            };
            json!({
                "idempotency_key": format!("bench-{run}-{n}"),
                "kind": "playback.rebuffer_ratio",
                "customer": format!("b-{}", n % CUSTOMERS),
                "subject": format!("rental-{}", n % 20_000),
                "value": value,
                "unit": "ratio",
                "amount_at_stake": {"amount": "3.99", "currency": "USD"},
                "observed_at": "2026-11-20T21:14:00Z"
            })
        })
        .collect();
    Value::Array(items)
}

#[tokio::main]
async fn main() {
    let batches: usize = std::env::var("BENCH_BATCHES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let clients: Vec<usize> = std::env::var("BENCH_CLIENTS")
        .unwrap_or_else(|_| "1,4".into())
        .split(',')
        .filter_map(|c| c.trim().parse().ok())
        .collect();
    let match_every: usize = std::env::var("BENCH_MATCH_EVERY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let url = database().await;
    let config = Config {
        database_url: url.clone(),
        addr: "127.0.0.1:0".parse().unwrap(),
        log_filter: "warn".into(),
        seed_demo: true,
        db_max_connections: 10,
        slow_query_ms: 1000,
        site_root: "target/site".into(),
        smtp_url: None,
        mail_from: "Extra Mile <notices@localhost>".into(),
        settings: Default::default(),
    };
    let app = Application::build(&config).await.expect("app builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let db = app.state.db.clone();
    let (_, token) = app::admin::tokens::queries::create(
        &db,
        "bench",
        Default::default(),
        None,
        &Actor::system("bench"),
    )
    .await
    .unwrap();
    tokio::spawn(app.run_until_stopped());

    // Known customers, as a real organisation has.
    for chunk in (0..CUSTOMERS).collect::<Vec<_>>().chunks(500) {
        let mut tx = db.begin().await.unwrap();
        for i in chunk {
            sqlx::query("INSERT INTO customers (external_ref, name, segment, referral_code, created_at, updated_at) VALUES ($1, $2, 'retail', $3, 0, 0)")
                .bind(format!("b-{i}"))
                .bind(format!("Bench customer {i}"))
                .bind(format!("BENCH{i:06}"))
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }

    let dialect = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!("signal ingestion on {dialect}: {batches} batches of 1,000 signals per run, {CUSTOMERS} customers");
    let http = reqwest::Client::new();
    for (run, &n) in clients.iter().enumerate() {
        let started = Instant::now();
        let mut tasks = Vec::new();
        for c in 0..n {
            let http = http.clone();
            let url = format!("{base}/api/v1/signals");
            let token = token.clone();
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                for b in (c..batches).step_by(n) {
                    let body = batch(run, b, match_every);
                    let t = Instant::now();
                    let res = http
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(
                        res.status(),
                        200,
                        "{}",
                        res.text().await.unwrap_or_default()
                    );
                    res.bytes().await.unwrap();
                    latencies.push(t.elapsed());
                }
                latencies
            }));
        }
        let mut latencies: Vec<Duration> = Vec::new();
        for t in tasks {
            latencies.extend(t.await.unwrap());
        }
        let elapsed = started.elapsed();
        latencies.sort();
        let signals = batches * 1000;
        println!(
            "  {n} client(s): {signals} signals in {:.2} s = {:.0} signals/s; batch p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms",
            elapsed.as_secs_f64(),
            signals as f64 / elapsed.as_secs_f64(),
            percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
            percentile(&latencies, 0.95).as_secs_f64() * 1000.0,
            percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        );
    }
    let incidents: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM incidents WHERE source = 'signal'")
            .fetch_one(&db)
            .await
            .unwrap();
    println!("  incidents opened by the rule: {incidents}");
}
