//! The app under test: `spawn_app()` builds the real server on port 0 against a fresh database
//! (a temporary SQLite file, or a new PostgreSQL database under `TEST_DATABASE_URL`) with a
//! driven clock, and serves it in the background.
use app::clock::Clock;
use app::db::Db;
use app::settings::Settings;
use server::config::Config;
use server::Application;
use std::time::Duration;

pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub database_url: String,
    /// The clock the app's background work reads and is paced by: it runs a pass only when
    /// [`TestApp::advance`] says.
    pub clock: Clock,
}

/// Twelve random hex digits, for names no other test uses.
pub fn unique() -> String {
    use rand::Rng;
    format!(
        "{:012x}",
        rand::thread_rng().gen::<u64>() & 0xffff_ffff_ffff
    )
}

/// The PostgreSQL server the tests use, from `TEST_DATABASE_URL`; `None` when it is unset or
/// empty (SQLite then).
///
/// # Panics
/// When it is set to anything but a `postgres` URL: a typo must not quietly test SQLite instead.
pub fn test_database_url() -> Option<String> {
    let url = std::env::var("TEST_DATABASE_URL").ok()?;
    if url.trim().is_empty() {
        return None;
    }
    assert!(
        url.starts_with("postgres://") || url.starts_with("postgresql://"),
        "TEST_DATABASE_URL must be a postgres:// URL (unset it to test on SQLite), got {}",
        app::db::redact(&url)
    );
    Some(url)
}

/// A new PostgreSQL database on the server at `admin_url`, migrated; its URL. It is a copy of a
/// template migrated once per set of migrations: migrating costs about a second a database on
/// PostgreSQL (a transaction per migration), a copy a tenth of that. The `extramile_t_` prefix
/// lets `scripts/test.sh` drop them, the template too, afterwards.
///
/// # Panics
/// When the server cannot be reached: a PostgreSQL run that cannot reach PostgreSQL fails.
pub async fn fresh_postgres(admin_url: &str) -> String {
    sqlx::any::install_default_drivers();
    let template = TEMPLATE
        .get_or_init(|| migrated_template(admin_url))
        .await
        .clone();
    let name = format!("extramile_t_{}", unique());
    let admin = admin_pool(admin_url).await;
    sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
        .execute(&admin)
        .await
        .expect("create a test database");
    admin.close().await;
    with_database(admin_url, &name)
}

static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

async fn admin_pool(admin_url: &str) -> sqlx::AnyPool {
    sqlx::AnyPool::connect(admin_url).await.unwrap_or_else(|e| {
        panic!(
            "TEST_DATABASE_URL is set but its server cannot be reached ({}): {e}",
            app::db::redact(admin_url)
        )
    })
}

/// The name of the template database holding the current migrations, made when missing. Named
/// by a digest of the migration files, so a changed migration gets a template of its own; made
/// under another name and renamed when complete, so a concurrent run never copies half of one.
async fn migrated_template(admin_url: &str) -> String {
    use sha2::{Digest, Sha256};
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/postgres");
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .expect("the PostgreSQL migrations")
        .map(|e| e.expect("a migration file").path())
        .collect();
    files.sort();
    let mut digest = Sha256::new();
    for file in files {
        digest.update(file.file_name().unwrap().as_encoded_bytes());
        digest.update(std::fs::read(&file).expect("a migration file"));
    }
    let template = format!("extramile_t_template_{}", &hex(&digest.finalize())[..16]);
    let admin = admin_pool(admin_url).await;
    let exists = |name: String| {
        let admin = admin.clone();
        async move {
            sqlx::query("SELECT 1 FROM pg_database WHERE datname = $1")
                .bind(name)
                .fetch_optional(&admin)
                .await
                .expect("read the databases")
                .is_some()
        }
    };
    if !exists(template.clone()).await {
        let building = format!("extramile_t_{}", unique());
        sqlx::query(&format!("CREATE DATABASE {building}"))
            .execute(&admin)
            .await
            .expect("create the template database");
        let pool = app::db::connect(&with_database(admin_url, &building), 1, 10_000)
            .await
            .expect("migrate the template database");
        pool.close().await;
        // Another run may have finished its own first: then this copy is dropped.
        let renamed = sqlx::query(&format!("ALTER DATABASE {building} RENAME TO {template}"))
            .execute(&admin)
            .await;
        if renamed.is_err() {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {building}"))
                .execute(&admin)
                .await;
            assert!(exists(template.clone()).await, "the template database");
        }
    }
    admin.close().await;
    template
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `url` naming the database `name` instead of its own, its parameters kept.
fn with_database(url: &str, name: &str) -> String {
    let (address, query) = url.split_once('?').unwrap_or((url, ""));
    let (scheme, rest) = address.split_once("://").expect("a URL with a scheme");
    let server = rest.split_once('/').map_or(rest, |(server, _)| server);
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{scheme}://{server}/{name}{query}")
}

/// The URL of a new SQLite file in the temporary folder.
pub fn fresh_sqlite() -> String {
    let path = std::env::temp_dir().join(format!("extramile-test-{}.db", unique()));
    format!("sqlite://{}", path.display())
}

/// Removes the database at `url` that [`fresh_postgres`] or [`fresh_sqlite`] made, closing
/// whatever still uses it. Best effort: `scripts/test.sh` sweeps up what is left.
pub fn remove_database(url: &str) {
    if let Some(path) = url.strip_prefix("sqlite://") {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        return;
    }
    let (Some(server), Some(name)) = (test_database_url(), url.rsplit('/').next()) else {
        return;
    };
    let name = name.split('?').next().unwrap_or_default().to_string();
    // The test's own runtime is busy dropping the test: a runtime of its own on a thread.
    let dropped = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        runtime.block_on(async {
            let admin = sqlx::AnyPool::connect(&server).await.ok()?;
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            let done = sqlx::query(&sql).execute(&admin).await.ok();
            admin.close().await;
            done
        })
    });
    let _ = dropped.join();
}

/// A fresh database URL: PostgreSQL under `TEST_DATABASE_URL`, else SQLite.
pub async fn fresh_database() -> String {
    match test_database_url() {
        Some(admin_url) => fresh_postgres(&admin_url).await,
        None => fresh_sqlite(),
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with_smtp(adjust, None).await
}

/// An app that delivers notices to the SMTP server at `smtp_url`.
pub async fn spawn_app_with_smtp(
    adjust: impl FnOnce(&mut Settings),
    smtp_url: Option<String>,
) -> TestApp {
    spawn_app_on_site(adjust, smtp_url, "target/site").await
}

/// An app serving the built site at `site_root` (bundle, stylesheet, assets).
pub async fn spawn_app_on_site(
    adjust: impl FnOnce(&mut Settings),
    smtp_url: Option<String>,
    site_root: &str,
) -> TestApp {
    let mut settings = Settings {
        // Test receivers listen on 127.0.0.1 (EXTRAMILE_WEBHOOKS_ALLOW_PRIVATE=true).
        webhooks_allow_private: true,
        ..Settings::default()
    };
    adjust(&mut settings);
    let database_url = fresh_database().await;
    let config = Config {
        database_url: database_url.clone(),
        addr: "127.0.0.1:0".parse().unwrap(),
        log_filter: "warn".into(),
        seed_demo: false,
        db_max_connections: 5,
        slow_query_ms: 1000,
        site_root: site_root.into(),
        smtp_url,
        mail_from: "Extra Mile <notices@example.com>".into(),
        settings,
    };
    let clock = Clock::driven();
    let app = Application::build_with_clock(&config, clock.clone())
        .await
        .expect("application builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let db = app.state.db.clone();
    tokio::spawn(app.run_until_stopped());
    let app = TestApp {
        base,
        db,
        database_url,
        clock,
    };
    // The jobs' start-up pass is over before a test begins, so none of it races the test.
    app.advance(Duration::ZERO).await;
    app
}

/// Another instance of the server on the database at `database_url`, paced by `clock`, as a
/// second `extramile serve` on the same database would be; its base URL.
pub async fn spawn_instance(database_url: &str, clock: Clock) -> String {
    let settings = Settings {
        webhooks_allow_private: true,
        ..Default::default()
    };
    let config = Config {
        database_url: database_url.to_string(),
        addr: "127.0.0.1:0".parse().unwrap(),
        log_filter: "warn".into(),
        seed_demo: false,
        db_max_connections: 5,
        slow_query_ms: 1000,
        site_root: "target/site".into(),
        smtp_url: None,
        mail_from: "Extra Mile <notices@example.com>".into(),
        settings,
    };
    let app = Application::build_with_clock(&config, clock)
        .await
        .expect("application builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    base
}

impl Drop for TestApp {
    /// Removes the test's database, unless the test failed: then it is kept for a look.
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "the failed test's database is kept: {}",
                app::db::redact(&self.database_url)
            );
        } else {
            remove_database(&self.database_url);
        }
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The single number `sql` selects.
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.db).await.unwrap()
    }

    /// The single row `sql` selects.
    pub async fn row<T>(&self, sql: &str) -> T
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        sqlx::query_as(sql)
            .fetch_one(&self.db)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Moves the app's clock `by` ahead and waits for its background work to finish a pass.
    pub async fn advance(&self, by: Duration) {
        tokio::time::timeout(Duration::from_secs(60), self.clock.advance(by))
            .await
            .expect("the background work ran no pass within a minute");
    }
}
