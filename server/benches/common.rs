//! What the benchmarks share: a fresh database to run on, and percentiles.
use std::time::Duration;

/// A fresh SQLite file, or a fresh PostgreSQL database when `BENCH_DATABASE_URL` names one.
/// With `BENCH_KEEP=name` the database is named for it and kept between runs, so a large one is
/// generated once.
pub async fn database() -> String {
    let keep = std::env::var("BENCH_KEEP")
        .ok()
        .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    let suffix = keep
        .clone()
        .unwrap_or_else(|| std::process::id().to_string());
    match std::env::var("BENCH_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
    {
        Some(admin) => {
            sqlx::any::install_default_drivers();
            let name = format!("extramile_bench_{suffix}");
            let pool = sqlx::AnyPool::connect(&admin)
                .await
                .expect("connect to BENCH_DATABASE_URL");
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT CAST(1 AS BIGINT) FROM pg_database WHERE datname = $1")
                    .bind(&name)
                    .fetch_optional(&pool)
                    .await
                    .unwrap();
            if keep.is_none() || exists.is_none() {
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                    .execute(&pool)
                    .await
                    .unwrap();
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            let (base, _) = admin.rsplit_once('/').unwrap();
            format!("{base}/{name}")
        }
        None => format!(
            "sqlite://{}",
            std::env::temp_dir()
                .join(format!("extramile-bench-{suffix}.db"))
                .display()
        ),
    }
}

/// The `p` quantile (0–1) of sorted durations.
#[allow(dead_code)] // the loyalty benchmark measures one rate
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Reads the whole database once so the measurement starts on a warm server: this machine
/// reclaims file pages left idle, and a million customers' rows are read at random.
#[allow(dead_code)] // the signal benchmark starts from an empty database
pub async fn prewarm(db: &sqlx::AnyPool, url: &str) {
    let started = std::time::Instant::now();
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        let mut bytes = 0;
        for file in [path.to_string(), format!("{path}-wal")] {
            if let Ok(mut f) = std::fs::File::open(&file) {
                let mut buf = vec![0u8; 8 << 20];
                while let Ok(n) = std::io::Read::read(&mut f, &mut buf) {
                    if n == 0 {
                        break;
                    }
                    bytes += n;
                }
            }
        }
        println!(
            "prewarmed {} MB of SQLite in {:.1} s",
            bytes >> 20,
            started.elapsed().as_secs_f64()
        );
        return;
    }
    if sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        .execute(db)
        .await
        .is_err()
    {
        println!("pg_prewarm is not available: measuring without prewarming");
        return;
    }
    let relations: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(c.oid::regclass AS TEXT) FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')",
    )
    .fetch_all(db)
    .await
    .unwrap();
    let mut blocks = 0;
    for r in &relations {
        let n: i64 = sqlx::query_scalar("SELECT pg_prewarm(CAST($1 AS regclass), 'read')")
            .bind(r)
            .fetch_one(db)
            .await
            .unwrap();
        blocks += n;
    }
    println!(
        "prewarmed {} MB of PostgreSQL ({} relations) in {:.1} s",
        blocks * 8 / 1024,
        relations.len(),
        started.elapsed().as_secs_f64()
    );
}
