//! Configuration, read once at start-up. Every setting is an environment variable and, for a
//! one-off run, the matching command-line option before the command (`extramile --addr
//! 0.0.0.0:8080 serve`); the option wins over the variable, and a variable set to the empty
//! string counts as unset. Every setting has a default that works out of the box:
//!
//! | variable | option | default | meaning |
//! |---|---|---|---|
//! | `DATABASE_URL` | `--database-url` | `sqlite://data/extramile.db` | SQLite file, created with its folder on first run; `postgres://user@host/db` switches to PostgreSQL |
//! | `EXTRAMILE_ADDR` | `--addr` | `127.0.0.1:3000` | address to listen on |
//! | `EXTRAMILE_LOG` | `--log` | `info` | log filter in `RUST_LOG` syntax (`RUST_LOG` is read too); logs go to standard error |
//! | `EXTRAMILE_SEED_DEMO` | `--seed-demo` | `false` (`true` in `scripts/serve.sh`) | seed demo data into an empty database at start-up |
//! | `EXTRAMILE_PUBLIC_URL` | `--public-url` | `http://{EXTRAMILE_ADDR}` | the address people use; invitation and referral links are built on it |
//! | `EXTRAMILE_SESSION_IDLE_MINUTES` | `--session-idle-minutes` | `120` | a session ends after this long without a request |
//! | `EXTRAMILE_SESSION_ABSOLUTE_HOURS` | `--session-absolute-hours` | `12` | a session ends this long after sign-in, whatever the activity |
//! | `EXTRAMILE_SECURE_COOKIES` | `--secure-cookies` | `true` when `EXTRAMILE_PUBLIC_URL` starts with `https://`, else `false` | served over TLS: `Secure` cookies, the `__Host-` session cookie and HSTS |
//! | `EXTRAMILE_TRUSTED_PROXIES` | `--trusted-proxies` | `0` | how many proxies of yours stand in front of the app: the client address is that many entries from the right of `X-Forwarded-For` (the left-most entries are the client's own claim and never believed); `0` uses the connection's address. Set it only when the app is reachable through those proxies alone |
//! | `EXTRAMILE_TRUST_PROXY` | `--trust-proxy` | `false` | older spelling: `true` means `EXTRAMILE_TRUSTED_PROXIES=1`; `EXTRAMILE_TRUSTED_PROXIES` wins when both are set |
//! | `EXTRAMILE_DB_MAX_CONNECTIONS` | `--db-max-connections` | `10` | database pool size per instance |
//! | `EXTRAMILE_SLOW_QUERY_MS` | `--slow-query-ms` | `1000` | log database statements slower than this many milliseconds (with `EXTRAMILE_LOG` at `warn` or finer) |
//! | `EXTRAMILE_SITE_ROOT` | `--site-root` | `../site` from the binary's folder (`target/site` for `target/release/extramile`, from any working directory), else `target/site` under the working directory | folder holding the built browser bundle, stylesheet and assets |
//! | `SMTP_URL` | `--smtp-url` | — | deliver notice emails through this server: `smtp://host:port` (plain), `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://host` (TLS); without it notices wait in the outbox (Admin → Email outbox) and show in the customer's portal |
//! | `EXTRAMILE_MAIL_FROM` | `--mail-from` | `Extra Mile <notices@localhost>` | sender of notice emails |
//! | `EXTRAMILE_WEBHOOKS_ALLOW_PRIVATE` | `--webhooks-allow-private` | `false` | let webhook endpoints be on private, loopback, link-local and unique-local addresses (tests, local set-ups); otherwise such endpoints are refused when added and at every delivery |
//! | `EXTRAMILE_METRICS_TOKEN` | `--metrics-token` | — | a secret that opens `GET /metrics` (Prometheus text format) to requests sending `Authorization: Bearer <token>` |
//! | `EXTRAMILE_METRICS_ALLOW` | `--metrics-allow` | — | comma-separated IP addresses and CIDR networks (`127.0.0.1,10.0.0.0/8,fd00::/8`) whose clients may read `GET /metrics` without the token; with neither set, `/metrics` answers 404 |
//!
//! Booleans take `true`/`false`, `yes`/`no`, `on`/`off` or `1`/`0`. An invalid value stops the
//! program with a message naming the variable (or option) it came from.
use app::settings::Settings;
use clap::builder::TypedValueParser;
use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{ArgAction, Command};
use std::ffi::{OsStr, OsString};
use std::fmt::Display;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The configuration the server runs with, every default filled in.
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

/// The settings as given, each an option backed by its environment variable (the table above).
/// [`ConfigArgs::into_config`] fills in the defaults that depend on other settings.
#[derive(clap::Args, Clone, Debug)]
#[command(next_help_heading = "Configuration (each option also reads the variable shown)")]
pub struct ConfigArgs {
    /// SQLite file (created on first run) or postgres://… database.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/extramile.db",
        hide_env_values = true
    )]
    pub database_url: String,

    /// Address to listen on.
    #[arg(
        long,
        env = "EXTRAMILE_ADDR",
        default_value = "127.0.0.1:3000",
        value_parser = Setting(parsed::<SocketAddr>)
    )]
    pub addr: SocketAddr,

    /// Log filter in RUST_LOG syntax [default: info, or RUST_LOG].
    #[arg(long, env = "EXTRAMILE_LOG")]
    pub log: Option<String>,

    /// The filter `--log` falls back on, read from `RUST_LOG` as most Rust programs do.
    #[arg(long, env = "RUST_LOG", hide = true)]
    pub rust_log: Option<String>,

    /// Seed demo data into an empty database at start-up.
    #[arg(
        long,
        env = "EXTRAMILE_SEED_DEMO",
        action = ArgAction::SetTrue,
        value_parser = Setting(switch)
    )]
    pub seed_demo: bool,

    /// The address people use, for links in invitations [default: http://{addr}].
    #[arg(long, env = "EXTRAMILE_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// A session ends after this many minutes without a request.
    #[arg(
        long,
        env = "EXTRAMILE_SESSION_IDLE_MINUTES",
        default_value_t = Settings::default().session_idle_minutes,
        value_parser = Setting(parsed::<i64>)
    )]
    pub session_idle_minutes: i64,

    /// A session ends this many hours after sign-in, whatever the activity.
    #[arg(
        long,
        env = "EXTRAMILE_SESSION_ABSOLUTE_HOURS",
        default_value_t = Settings::default().session_absolute_hours,
        value_parser = Setting(parsed::<i64>)
    )]
    pub session_absolute_hours: i64,

    /// Served over TLS: Secure cookies, the __Host- session cookie and HSTS [default: true when
    /// the public URL is https://].
    #[arg(
        long,
        env = "EXTRAMILE_SECURE_COOKIES",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = Setting(switch)
    )]
    pub secure_cookies: Option<bool>,

    /// How many proxies of yours stand in front of the app; the client address is that many
    /// entries from the right of X-Forwarded-For [default: 0].
    #[arg(long, env = "EXTRAMILE_TRUSTED_PROXIES", value_parser = Setting(parsed::<usize>))]
    pub trusted_proxies: Option<usize>,

    /// Older spelling of --trusted-proxies 1.
    #[arg(
        long,
        env = "EXTRAMILE_TRUST_PROXY",
        action = ArgAction::SetTrue,
        value_parser = Setting(switch)
    )]
    pub trust_proxy: bool,

    /// Database pool size.
    #[arg(
        long,
        env = "EXTRAMILE_DB_MAX_CONNECTIONS",
        default_value_t = 10,
        value_parser = Setting(parsed::<u32>)
    )]
    pub db_max_connections: u32,

    /// Log database statements slower than this many milliseconds.
    #[arg(
        long,
        env = "EXTRAMILE_SLOW_QUERY_MS",
        default_value_t = 1000,
        value_parser = Setting(parsed::<u64>)
    )]
    pub slow_query_ms: u64,

    /// Folder with the built browser bundle and assets [default: ../site from the binary's
    /// folder if there is one, else target/site].
    #[arg(long, env = "EXTRAMILE_SITE_ROOT")]
    pub site_root: Option<String>,

    /// smtp://host:port (or smtps://) to deliver notices; without it they wait in the outbox.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Sender of notice emails.
    #[arg(
        long,
        env = "EXTRAMILE_MAIL_FROM",
        default_value = "Extra Mile <notices@localhost>"
    )]
    pub mail_from: String,

    /// Let webhook endpoints be on private, loopback and link-local addresses.
    #[arg(
        long,
        env = "EXTRAMILE_WEBHOOKS_ALLOW_PRIVATE",
        action = ArgAction::SetTrue,
        value_parser = Setting(switch)
    )]
    pub webhooks_allow_private: bool,

    /// Bearer token that opens GET /metrics.
    #[arg(long, env = "EXTRAMILE_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// Comma-separated addresses and CIDR networks that may read GET /metrics without the token.
    #[arg(
        long,
        env = "EXTRAMILE_METRICS_ALLOW",
        value_parser = Setting(crate::http::metrics::AllowList::parse)
    )]
    pub metrics_allow: Option<crate::http::metrics::AllowList>,
}

impl ConfigArgs {
    /// The configuration, with the site root found beside the running binary.
    pub fn into_config(self) -> Config {
        let exe = std::env::current_exe().ok();
        self.resolve(exe.as_deref())
    }

    /// The configuration, with the defaults that depend on other settings filled in; `exe` is
    /// the running binary, where the default site root is looked for.
    pub fn resolve(self, exe: Option<&Path>) -> Config {
        let public_url = self
            .public_url
            .unwrap_or_else(|| format!("http://{}", self.addr));
        let settings = Settings {
            session_idle_minutes: self.session_idle_minutes,
            session_absolute_hours: self.session_absolute_hours,
            secure_cookies: self
                .secure_cookies
                .unwrap_or_else(|| public_url.starts_with("https://")),
            trusted_proxies: self
                .trusted_proxies
                .unwrap_or(usize::from(self.trust_proxy)),
            public_url,
            smtp_configured: self.smtp_url.is_some(),
            webhooks_allow_private: self.webhooks_allow_private,
            metrics_token: self.metrics_token.filter(|t| !t.trim().is_empty()),
            metrics_allow: self.metrics_allow.map(|a| a.0).unwrap_or_default(),
            ..Settings::default()
        };
        Config {
            database_url: self.database_url,
            addr: self.addr,
            log_filter: self.log.or(self.rust_log).unwrap_or_else(|| "info".into()),
            seed_demo: self.seed_demo,
            db_max_connections: self.db_max_connections,
            slow_query_ms: self.slow_query_ms,
            site_root: self
                .site_root
                .unwrap_or_else(|| default_site_root(exe).to_string_lossy().into_owned()),
            smtp_url: self.smtp_url,
            mail_from: self.mail_from,
            settings,
        }
    }
}

/// Where the site is when `EXTRAMILE_SITE_ROOT` is not set. The build puts each binary's site
/// beside it (`target/release/site` for the serve command, `target/debug/site` for the tests),
/// so that one build never serves the other's bundle; where there is none (a test binary, a
/// copied binary) the older default, `target/site` under the working directory.
pub fn default_site_root(exe: Option<&Path>) -> PathBuf {
    exe.and_then(Path::parent)
        .map(|dir| dir.join("site"))
        .filter(|site| site.is_dir())
        .unwrap_or_else(|| PathBuf::from("target/site"))
}

/// `cmd` with the environment variable dropped from every option whose variable `lookup` finds
/// set but blank, so that `EXTRAMILE_ADDR=` means the default as an unset variable does (clap
/// alone would take the empty string as the value). `lookup` is `std::env::var_os` but in tests.
pub fn without_blank_env(cmd: Command, lookup: impl Fn(&OsStr) -> Option<OsString>) -> Command {
    cmd.mut_args(|arg| {
        let blank = arg
            .get_env()
            .and_then(&lookup)
            .is_some_and(|value| value.to_string_lossy().trim().is_empty());
        if blank {
            arg.env(None::<&'static str>)
        } else {
            arg
        }
    })
}

/// A value parser that trims the value, parses it with the function it holds, and on failure
/// names where the value came from: the variable, or the option on the command line.
#[derive(Clone, Copy)]
struct Setting<T>(fn(&str) -> Result<T, String>);

impl<T: Clone + Send + Sync + 'static> TypedValueParser for Setting<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        self.parse_ref_(cmd, arg, value, ValueSource::CommandLine)
    }

    fn parse_ref_(
        &self,
        cmd: &Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
        source: ValueSource,
    ) -> Result<T, clap::Error> {
        let text = value.to_string_lossy();
        (self.0)(text.trim()).map_err(|problem| {
            let name = arg
                .and_then(|arg| match source {
                    ValueSource::EnvVariable => {
                        arg.get_env().map(|v| v.to_string_lossy().into_owned())
                    }
                    _ => arg.get_long().map(|long| format!("--{long}")),
                })
                .unwrap_or_else(|| "a setting".into());
            cmd.clone()
                .error(ErrorKind::ValueValidation, format!("{name} {problem}"))
        })
    }
}

/// Any value with a `FromStr`: a number, an address.
fn parsed<T: FromStr>(text: &str) -> Result<T, String>
where
    T::Err: Display,
{
    text.parse()
        .map_err(|e| format!("has an invalid value '{text}': {e}"))
}

/// A yes-or-no setting, in any of the usual spellings.
fn switch(text: &str) -> Result<bool, String> {
    match text.to_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(format!("must be true or false, not '{text}'")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches, Parser};

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        config: ConfigArgs,
    }

    /// Parses `args` as the command line with no environment at all, whatever the test
    /// process's own environment holds.
    fn parse(args: &[&str]) -> Result<Config, clap::Error> {
        let cmd = Cli::command().mut_args(|arg| arg.env(None::<&'static str>));
        let matches =
            cmd.try_get_matches_from(std::iter::once("extramile").chain(args.iter().copied()))?;
        Ok(Cli::from_arg_matches(&matches)?.config.resolve(None))
    }

    #[test]
    fn the_options_are_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn without_settings_every_default_applies() {
        let config = parse(&[]).unwrap();
        assert_eq!(config.database_url, "sqlite://data/extramile.db");
        assert_eq!(config.addr, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(config.log_filter, "info");
        assert!(!config.seed_demo);
        assert_eq!(config.db_max_connections, 10);
        assert_eq!(config.slow_query_ms, 1000);
        assert_eq!(config.site_root, "target/site");
        assert_eq!(config.smtp_url, None);
        assert_eq!(config.mail_from, "Extra Mile <notices@localhost>");
        let defaults = Settings::default();
        let settings = &config.settings;
        assert_eq!(settings.public_url, "http://127.0.0.1:3000");
        assert_eq!(settings.session_idle_minutes, defaults.session_idle_minutes);
        assert_eq!(
            settings.session_absolute_hours,
            defaults.session_absolute_hours
        );
        assert!(!settings.secure_cookies);
        assert_eq!(settings.trusted_proxies, 0);
        assert!(!settings.smtp_configured);
    }

    #[test]
    fn every_setting_can_be_given() {
        let config = parse(&[
            "--database-url",
            "postgres://db/extramile",
            "--addr",
            "0.0.0.0:8080",
            "--log",
            "debug",
            "--seed-demo",
            "--public-url",
            "https://cx.example.com",
            "--session-idle-minutes",
            "30",
            "--session-absolute-hours",
            "8",
            "--secure-cookies=false",
            "--trusted-proxies",
            "2",
            "--db-max-connections",
            "40",
            "--slow-query-ms",
            "250",
            "--site-root",
            "/srv/extramile/site",
            "--smtp-url",
            "smtp://mail:25",
            "--mail-from",
            "CX <cx@example.com>",
        ])
        .unwrap();
        assert_eq!(config.database_url, "postgres://db/extramile");
        assert_eq!(config.addr, "0.0.0.0:8080".parse().unwrap());
        assert_eq!(config.log_filter, "debug");
        assert!(config.seed_demo);
        assert_eq!(config.db_max_connections, 40);
        assert_eq!(config.slow_query_ms, 250);
        assert_eq!(config.site_root, "/srv/extramile/site");
        assert_eq!(config.smtp_url.as_deref(), Some("smtp://mail:25"));
        assert_eq!(config.mail_from, "CX <cx@example.com>");
        let settings = &config.settings;
        assert_eq!(settings.public_url, "https://cx.example.com");
        assert_eq!(settings.session_idle_minutes, 30);
        assert_eq!(settings.session_absolute_hours, 8);
        assert!(!settings.secure_cookies);
        assert_eq!(settings.trusted_proxies, 2);
        assert!(settings.smtp_configured);
    }

    #[test]
    fn the_public_url_defaults_to_the_listening_address() {
        let config = parse(&["--addr", "0.0.0.0:8080"]).unwrap();
        assert_eq!(config.settings.public_url, "http://0.0.0.0:8080");
    }

    #[test]
    fn secure_cookies_follow_an_https_public_url_unless_set() {
        let https = parse(&["--public-url", "https://cx.example.com"]).unwrap();
        assert!(https.settings.secure_cookies);
        let http = parse(&["--public-url", "http://cx.example.com"]).unwrap();
        assert!(!http.settings.secure_cookies);
        let forced = parse(&["--public-url", "http://cx.example.com", "--secure-cookies"]).unwrap();
        assert!(forced.settings.secure_cookies);
    }

    #[test]
    fn the_older_trust_proxy_means_one_proxy_unless_the_count_is_given() {
        assert_eq!(
            parse(&["--trust-proxy"]).unwrap().settings.trusted_proxies,
            1
        );
        let both = parse(&["--trust-proxy", "--trusted-proxies", "0"]).unwrap();
        assert_eq!(both.settings.trusted_proxies, 0);
    }

    #[test]
    fn the_log_filter_falls_back_on_rust_log() {
        assert_eq!(parse(&["--rust-log", "warn"]).unwrap().log_filter, "warn");
        let both = parse(&["--log", "debug", "--rust-log", "warn"]).unwrap();
        assert_eq!(both.log_filter, "debug");
    }

    #[test]
    fn values_are_trimmed() {
        let config = parse(&["--addr", " 10.0.0.1:80 ", "--db-max-connections", "3 "]).unwrap();
        assert_eq!(config.addr, "10.0.0.1:80".parse().unwrap());
        assert_eq!(config.db_max_connections, 3);
    }

    #[test]
    fn an_invalid_option_is_refused_naming_it() {
        let err = parse(&["--db-max-connections", "many"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ValueValidation);
        assert!(
            err.to_string()
                .contains("--db-max-connections has an invalid value 'many'"),
            "{err}"
        );
    }

    #[test]
    fn metrics_open_to_a_token_and_to_the_networks_listed() {
        let config = parse(&[
            "--metrics-token",
            "scrape-me",
            "--metrics-allow",
            "127.0.0.1, 10.0.0.0/8",
        ])
        .unwrap();
        assert_eq!(config.settings.metrics_token.as_deref(), Some("scrape-me"));
        assert_eq!(config.settings.metrics_allow.len(), 2);
        let closed = parse(&[]).unwrap().settings;
        assert!(closed.metrics_token.is_none() && closed.metrics_allow.is_empty());
        let err = parse(&["--metrics-allow", "localhost"]).unwrap_err();
        assert!(
            err.to_string().contains("--metrics-allow has 'localhost'"),
            "{err}"
        );
    }

    #[test]
    fn an_invalid_variable_is_refused_naming_it() {
        let cmd = Cli::command();
        let arg = cmd.get_arguments().find(|a| a.get_id() == "addr").unwrap();
        let err = Setting(parsed::<SocketAddr>)
            .parse_ref_(
                &cmd,
                Some(arg),
                OsStr::new("nowhere"),
                ValueSource::EnvVariable,
            )
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("EXTRAMILE_ADDR has an invalid value 'nowhere'"),
            "{err}"
        );
    }

    #[test]
    fn switches_take_the_usual_spellings_and_nothing_else() {
        for yes in ["1", "true", "Yes", "ON"] {
            assert_eq!(switch(yes), Ok(true), "{yes}");
        }
        for no in ["0", "FALSE", "no", "off"] {
            assert_eq!(switch(no), Ok(false), "{no}");
        }
        assert_eq!(
            switch("maybe"),
            Err("must be true or false, not 'maybe'".into())
        );
        let err = parse(&["--secure-cookies=maybe"]).unwrap_err();
        assert!(
            err.to_string()
                .contains("--secure-cookies must be true or false, not 'maybe'"),
            "{err}"
        );
    }

    #[test]
    fn a_blank_variable_counts_as_unset() {
        let fake_env = |name: &OsStr| match name.to_str() {
            Some("EXTRAMILE_ADDR") => Some(OsString::from("  ")),
            Some("EXTRAMILE_LOG") => Some(OsString::from("debug")),
            _ => None,
        };
        let cmd = without_blank_env(Cli::command(), fake_env);
        let env_of = |id: &str| {
            cmd.get_arguments()
                .find(|a| a.get_id() == id)
                .and_then(|a| a.get_env())
                .map(|e| e.to_owned())
        };
        assert_eq!(env_of("addr"), None);
        assert_eq!(env_of("log"), Some("EXTRAMILE_LOG".into()));
        assert_eq!(env_of("database_url"), Some("DATABASE_URL".into()));
    }

    #[test]
    fn the_site_is_found_beside_the_binary_the_build_laid_out() {
        let target =
            std::env::temp_dir().join(format!("extramile-site-root-{}", std::process::id()));
        let exe = target.join("release").join("extramile");
        std::fs::create_dir_all(exe.parent().unwrap()).unwrap();
        assert_eq!(
            default_site_root(Some(&exe)),
            PathBuf::from("target/site"),
            "no site built: the working directory's target/site"
        );
        std::fs::create_dir_all(target.join("site")).unwrap();
        assert_eq!(
            default_site_root(Some(&exe)),
            PathBuf::from("target/site"),
            "another build's site is not this binary's"
        );
        std::fs::create_dir_all(target.join("release").join("site")).unwrap();
        assert_eq!(
            default_site_root(Some(&exe)),
            target.join("release").join("site")
        );
        std::fs::remove_dir_all(&target).unwrap();
        assert_eq!(default_site_root(None), PathBuf::from("target/site"));
    }
}
