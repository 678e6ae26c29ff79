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
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}
