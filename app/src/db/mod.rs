//! The database: one pool of `sqlx::Any` so a single set of portable queries serves both the
//! embedded SQLite default and PostgreSQL. Portability rules the queries follow: `$n`
//! placeholders, BIGINT epoch-millisecond timestamps, 0/1 integers for flags, keyword search
//! through [`Keyword`] (a text index on each database), and explicit casts around aggregates
//! PostgreSQL widens.
pub mod search;
pub mod sql;

pub use search::Keyword;
pub use sql::Sql;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{ConnectOptions, Executor};
use std::str::FromStr;

pub type Db = sqlx::AnyPool;

/// A transaction on the pool, as every multi-statement change runs in one.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    pub fn of_url(url: &str) -> Result<Self, String> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres)
        } else {
            Err(format!(
                "DATABASE_URL must start with sqlite: or postgres: (got '{}')",
                redact(url)
            ))
        }
    }
}

/// The URL with any password replaced, for logs and messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The dialect a pool speaks, for the few statements written differently for each.
pub fn dialect(db: &Db) -> Dialect {
    if db.connect_options().database_url.scheme() == "sqlite" {
        Dialect::Sqlite
    } else {
        Dialect::Postgres
    }
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes later fails outright
/// when another writer committed in between, while an immediate one queues on the busy timeout.
pub async fn begin_write(db: &Db) -> Result<Tx, sqlx::Error> {
    if dialect(db) == Dialect::Sqlite {
        db.begin_with("BEGIN IMMEDIATE").await
    } else {
        db.begin().await
    }
}

/// How many matches a list counts past the first row of its page before it stops and says
/// "1,000+": counting every match of a search or filter on each request would cost more as the
/// history grows.
pub const COUNT_CAP: i64 = 1_000;

/// A list's `total` as counted from its page: the exact number of matches when there are at
/// most `COUNT_CAP` from the page's first row on, else the number counted so far with `true`
/// (more than that many match). `count` is the statement selecting one row per match, counted
/// up to one past the cap.
pub async fn capped_total(
    db: &Db,
    count: Sql,
    page: i64,
    per_page: i64,
) -> Result<(i64, bool), sqlx::Error> {
    let limit = (page - 1) * per_page + COUNT_CAP;
    let counted: i64 = count
        .capped_count(limit)
        .query_scalar()
        .persistent(false)
        .fetch_one(db)
        .await?;
    Ok(if counted > limit {
        (limit, true)
    } else {
        (counted, false)
    })
}

/// Rows a list's export reads at a time: it walks the list a chunk at a time (keyset order),
/// so a hundred thousand rows never sit in memory at once.
pub const EXPORT_CHUNK: i64 = 500;

/// The most pages any list offers: far past what anyone reads, and safe from overflow.
pub const MAX_PAGE: i64 = 100_000;

/// A list page number (1-based) checked for range: anything below 1 or past `MAX_PAGE` is a
/// bad request, never an overflowing offset.
pub fn page_number(page: i64) -> Result<i64, crate::error::AppError> {
    if (1..=MAX_PAGE).contains(&page) {
        Ok(page)
    } else {
        Err(crate::error::AppError::Request(format!(
            "Page {page} does not exist: pages run from 1 to at most {MAX_PAGE}."
        )))
    }
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Connects, creating the SQLite file (and its folder) on first run, then applies migrations.
/// Statements slower than `slow_ms` are logged as warnings with their text and time.
pub async fn connect(url: &str, max_connections: u32, slow_ms: u64) -> Result<Db, String> {
    sqlx::any::install_default_drivers();
    let dialect = Dialect::of_url(url)?;
    let url = match dialect {
        Dialect::Sqlite => prepare_sqlite(url)?,
        Dialect::Postgres => url.to_string(),
    };
    let options = AnyConnectOptions::from_str(&url)
        .map_err(|e| format!("invalid DATABASE_URL: {e}"))?
        .log_slow_statements(
            log::LevelFilter::Warn,
            std::time::Duration::from_millis(slow_ms),
        );
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if dialect == Dialect::Sqlite {
                    // WAL lets readers proceed during a write; the busy timeout makes concurrent
                    // writers queue instead of failing.
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    // 32 MiB of pages per connection rather than 2: reports at a million
                    // customers read scattered rows, and the pool spreads them over connections.
                    conn.execute("PRAGMA cache_size = -32768").await?;
                    // Reading the file through a shared memory map spares a system call and a
                    // copy for every page not in that cache; the pages are the operating
                    // system's, shared by every connection rather than held once per connection.
                    // 2 GiB is the most the bundled SQLite maps.
                    conn.execute("PRAGMA mmap_size = 2147418112").await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .map_err(|e| format!("could not connect to {}: {e}", redact(&url)))?;
    migrate(&pool, dialect).await?;
    Ok(pool)
}

pub async fn migrate(pool: &Db, dialect: Dialect) -> Result<(), String> {
    let result = match dialect {
        Dialect::Sqlite => sqlx::migrate!("../migrations/sqlite").run(pool).await,
        Dialect::Postgres => sqlx::migrate!("../migrations/postgres").run(pool).await,
    };
    result.map_err(|e| format!("migrations failed: {e}"))
}

fn prepare_sqlite(url: &str) -> Result<String, String> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path != ":memory:" && !path.is_empty() {
        if let Some(parent) = std::path::Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("could not create {}: {e}", parent.display()))?;
            }
        }
    }
    Ok(if url.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_outside_the_range_are_refused() {
        assert_eq!(page_number(1).unwrap(), 1);
        assert_eq!(page_number(MAX_PAGE).unwrap(), MAX_PAGE);
        for bad in [0, -1, MAX_PAGE + 1, i64::MAX, i64::MIN] {
            assert!(page_number(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_are_hidden_in_database_urls() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/x"),
            "postgres://app:***@db:5432/x"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
        assert_eq!(
            redact("sqlite://data/extramile.db"),
            "sqlite://data/extramile.db"
        );
    }

    #[test]
    fn the_dialect_follows_the_url_scheme() {
        assert_eq!(Dialect::of_url("sqlite://x.db").unwrap(), Dialect::Sqlite);
        assert_eq!(
            Dialect::of_url("postgresql://h/db").unwrap(),
            Dialect::Postgres
        );
        assert!(Dialect::of_url("mysql://h/db").is_err());
    }
}
