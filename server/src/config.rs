//! Configuration, read once from the environment at start-up. Every variable has a default
//! that works out of the box:
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `DATABASE_URL` | `sqlite://data/extramile.db` | SQLite file (created on first run) or `postgres://…` |
//! | `EXTRAMILE_ADDR` | `127.0.0.1:3000` | address to listen on |
//! | `EXTRAMILE_LOG` | `info` | log filter (`RUST_LOG` syntax) |
//! | `EXTRAMILE_SEED_DEMO` | `false` | seed demo data into an empty database at start-up |
//! | `EXTRAMILE_PUBLIC_URL` | `http://{EXTRAMILE_ADDR}` | address people use, for links in invitations |
//! | `EXTRAMILE_SESSION_IDLE_MINUTES` | `120` | sign out after this long without a request |
//! | `EXTRAMILE_SESSION_ABSOLUTE_HOURS` | `12` | sign out this long after sign-in regardless |
//! | `EXTRAMILE_SECURE_COOKIES` | `true` when `EXTRAMILE_PUBLIC_URL` is https, else `false` | `Secure`, `__Host-` cookies and HSTS |
//! | `EXTRAMILE_TRUSTED_PROXIES` | `0` | proxies of ours in front: the client address is this many entries from the right of `X-Forwarded-For` |
//! | `EXTRAMILE_TRUST_PROXY` | `false` | older spelling: `true` means one trusted proxy |
//! | `EXTRAMILE_DB_MAX_CONNECTIONS` | `10` | database pool size |
//! | `EXTRAMILE_SLOW_QUERY_MS` | `1000` | log database statements slower than this (with `EXTRAMILE_LOG` at `warn` or finer) |
//! | `EXTRAMILE_SITE_ROOT` | `target/site` | folder with the built browser bundle and assets |
//! | `SMTP_URL` | (none) | `smtp://host:port` to deliver notices; without it they wait in the outbox |
//! | `EXTRAMILE_MAIL_FROM` | `Extra Mile <notices@localhost>` | sender of notice emails |
use app::settings::Settings;
use std::net::SocketAddr;

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub addr: SocketAddr,
    pub log_filter: String,
    pub seed_demo: bool,
    pub db_max_connections: u32,
    pub slow_query_ms: u64,
    pub site_root: String,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub settings: Settings,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse<T: std::str::FromStr>(name: &str, default: T) -> Result<T, String> {
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("{name} has an invalid value '{v}'")),
    }
}

fn flag(name: &str, default: bool) -> Result<bool, String> {
    match var(name).map(|v| v.trim().to_lowercase()) {
        None => Ok(default),
        Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(false),
        Some(v) => Err(format!("{name} must be true or false, not '{v}'")),
    }
}

impl Config {
    pub fn from_env() -> Result<Self, String> {
        let addr: SocketAddr = parse(
            "EXTRAMILE_ADDR",
            "127.0.0.1:3000".parse().expect("valid default"),
        )?;
        let defaults = Settings::default();
        let public_url = var("EXTRAMILE_PUBLIC_URL").unwrap_or_else(|| format!("http://{addr}"));
        let settings = Settings {
            session_idle_minutes: parse(
                "EXTRAMILE_SESSION_IDLE_MINUTES",
                defaults.session_idle_minutes,
            )?,
            session_absolute_hours: parse(
                "EXTRAMILE_SESSION_ABSOLUTE_HOURS",
                defaults.session_absolute_hours,
            )?,
            secure_cookies: flag(
                "EXTRAMILE_SECURE_COOKIES",
                public_url.starts_with("https://"),
            )?,
            trusted_proxies: match var("EXTRAMILE_TRUSTED_PROXIES") {
                Some(_) => parse("EXTRAMILE_TRUSTED_PROXIES", 0)?,
                None => usize::from(flag("EXTRAMILE_TRUST_PROXY", false)?),
            },
            public_url: public_url.clone(),
            smtp_configured: var("SMTP_URL").is_some(),
            ..defaults
        };
        Ok(Self {
            database_url: var("DATABASE_URL")
                .unwrap_or_else(|| "sqlite://data/extramile.db".into()),
            addr,
            log_filter: var("EXTRAMILE_LOG")
                .or_else(|| var("RUST_LOG"))
                .unwrap_or_else(|| "info".into()),
            seed_demo: flag("EXTRAMILE_SEED_DEMO", false)?,
            db_max_connections: parse("EXTRAMILE_DB_MAX_CONNECTIONS", 10)?,
            slow_query_ms: parse("EXTRAMILE_SLOW_QUERY_MS", 1000)?,
            site_root: var("EXTRAMILE_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            smtp_url: var("SMTP_URL"),
            mail_from: var("EXTRAMILE_MAIL_FROM")
                .unwrap_or_else(|| "Extra Mile <notices@localhost>".into()),
            settings,
        })
    }
}
