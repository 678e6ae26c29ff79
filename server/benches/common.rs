//! What the benchmarks share: a fresh database to run on, and percentiles.
use std::time::Duration;

/// A fresh SQLite file, or a fresh PostgreSQL database when `BENCH_DATABASE_URL` names one.
pub async fn database() -> String {
    match std::env::var("BENCH_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
    {
        Some(admin) => {
            sqlx::any::install_default_drivers();
            let name = format!("extramile_bench_{}", std::process::id());
            let pool = sqlx::AnyPool::connect(&admin)
                .await
                .expect("connect to BENCH_DATABASE_URL");
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                .execute(&pool)
                .await
                .unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&pool)
                .await
                .unwrap();
            let (base, _) = admin.rsplit_once('/').unwrap();
            format!("{base}/{name}")
        }
        None => format!(
            "sqlite://{}",
            std::env::temp_dir()
                .join(format!("extramile-bench-{}.db", std::process::id()))
                .display()
        ),
    }
}

/// The `p` quantile (0–1) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}
