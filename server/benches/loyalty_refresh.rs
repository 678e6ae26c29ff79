//! The loyalty refresh job at scale: how many customers' scores the scheduled pass recomputes
//! per second, and so how long it takes to bring every customer up to date once a day.
//! A benchmark, not a test: nothing here asserts a time.
//!
//! `cargo bench -p server --bench loyalty_refresh` generates `BENCH_CUSTOMERS` (default
//! 100,000) customers with `extramile generate`'s data into a fresh SQLite file (or PostgreSQL
//! with `BENCH_DATABASE_URL`; `BENCH_KEEP=name` keeps it), marks every score stale, and runs the
//! job's passes until none is left.
use app::clock::Clock;
use common::database;
use std::time::Instant;

#[path = "common.rs"]
mod common;

#[tokio::main]
async fn main() {
    let customers: usize = std::env::var("BENCH_CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let url = database().await;
    let db = app::db::connect(&url, 5, 10_000).await.expect("database");
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers")
        .fetch_one(&db)
        .await
        .unwrap();
    if existing == 0 {
        let started = Instant::now();
        let rows = server::generate::run(&db, customers, 7)
            .await
            .expect("generate");
        println!(
            "generated {customers} customers, {rows} rows in {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers")
        .fetch_one(&db)
        .await
        .unwrap();
    sqlx::query("UPDATE customers SET loyalty_at = 0")
        .execute(&db)
        .await
        .unwrap();
    let ctx = app::jobs::work::Context {
        db: db.clone(),
        clock: Clock::system(),
        mailer: None,
        public_url: "http://localhost".into(),
        webhooks_allow_private: false,
    };
    let job = app::jobs::catalogue::find("loyalty_recompute").unwrap();
    let started = Instant::now();
    let mut passes = 0;
    loop {
        passes += 1;
        let said = app::jobs::work::run(job, &ctx, ctx.clock.now_ms())
            .await
            .expect("a pass");
        if said.starts_with("0 ") {
            break;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let rate = total as f64 / seconds;
    println!(
        "{total} scores refreshed in {seconds:.1} s over {passes} passes: {rate:.0} customers/s; \
         1,000,000 customers take {:.0} s ({:.1} % of a day)",
        1_000_000.0 / rate,
        1_000_000.0 / rate / 864.0
    );
}
