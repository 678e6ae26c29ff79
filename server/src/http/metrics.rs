//! `GET /metrics` in the Prometheus text format, and the middleware that counts every request.
//!
//! Counters and histograms go through the `metrics` facade into one process-wide Prometheus
//! recorder, installed once ([`install`]; the tests start many servers in one process). Queue
//! depths and pool use are read from this instance's database and pool when scraped, and written
//! beside them. The endpoint answers only a request that brings `EXTRAMILE_METRICS_TOKEN` as a
//! bearer token or comes from an address `EXTRAMILE_METRICS_ALLOW` names; with neither set it
//! does not exist (404), and others are refused (403).
//!
//! | metric | type | labels |
//! |---|---|---|
//! | `extramile_http_requests_total` | counter | `method`, `route` (the route's template), `status` |
//! | `extramile_http_request_duration_seconds` | histogram | `method`, `route`, `status` |
//! | `extramile_job_runs_total` | counter | `job`, `outcome` (`succeeded` or `failed`) |
//! | `extramile_job_duration_seconds` | histogram | `job` |
//! | `extramile_outbox_queued` / `extramile_outbox_oldest_age_seconds` | gauge | |
//! | `extramile_webhook_queue_depth` / `extramile_webhook_oldest_age_seconds` | gauge | |
//! | `extramile_db_pool_connections` / `_idle` / `_max` | gauge | |
use app::accounts::guard::RequestContext;
use app::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::net::IpAddr;
use std::sync::OnceLock;
use std::time::Instant;

pub const HTTP_REQUESTS: &str = "extramile_http_requests_total";
pub const HTTP_DURATION: &str = "extramile_http_request_duration_seconds";
/// Counted by the scheduler once per run, labelled `job` and `outcome`.
pub const JOB_RUNS: &str = "extramile_job_runs_total";
/// Observed by the scheduler once per run, labelled `job`.
pub const JOB_DURATION: &str = "extramile_job_duration_seconds";

/// Seconds: from a fast page to a slow report or job.
const BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];

/// The process's Prometheus recorder, installed on first use and described once.
pub fn install() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &BUCKETS)
            .expect("the buckets are not empty");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if let Err(e) = metrics::set_global_recorder(recorder) {
            tracing::warn!(
                "another metrics recorder is installed; /metrics will miss its data: {e}"
            );
        }
        describe();
        handle
    })
}

fn describe() {
    use metrics::{describe_counter, describe_histogram, Unit};
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests served, by route template and status."
    );
    describe_histogram!(
        HTTP_DURATION,
        Unit::Seconds,
        "Time to answer an HTTP request, by route template and status."
    );
    describe_counter!(
        JOB_RUNS,
        "Background job runs, by job and outcome (succeeded or failed)."
    );
    describe_histogram!(
        JOB_DURATION,
        Unit::Seconds,
        "Time a background job run took."
    );
}

/// Counts and times every request under its route's template (`/incidents/{id}`), never the
/// raw path, so one series stands for a route however many ids are asked for. Requests no
/// route matched (files, unknown paths) share the label `fallback`.
pub async fn record(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "fallback".into());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!(HTTP_REQUESTS, &labels).increment(1);
    metrics::histogram!(HTTP_DURATION, &labels).record(started.elapsed().as_secs_f64());
    response
}

/// Addresses allowed to scrape without the token: networks in CIDR notation or single
/// addresses, as `EXTRAMILE_METRICS_ALLOW` lists them (comma-separated).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AllowList(pub Vec<(IpAddr, u8)>);

impl AllowList {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let bad = || format!("has '{item}', which is not an IP address or a CIDR network");
            let (addr, prefix) = match item.split_once('/') {
                Some((a, p)) => (a, Some(p)),
                None => (item, None),
            };
            let addr: IpAddr = addr.parse().map_err(|_| bad())?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                None => max,
                Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            };
            nets.push((addr, prefix));
        }
        Ok(Self(nets))
    }

    /// Whether `ip` lies in one of the networks (IPv4 addresses mapped into IPv6 count as IPv4).
    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0
            .iter()
            .any(|(net, prefix)| match (net.to_canonical(), ip) {
                (IpAddr::V4(n), IpAddr::V4(a)) => {
                    let mask = u32::MAX.checked_shl(32 - u32::from(*prefix)).unwrap_or(0);
                    u32::from(n) & mask == u32::from(a) & mask
                }
                (IpAddr::V6(n), IpAddr::V6(a)) => {
                    let mask = u128::MAX.checked_shl(128 - u32::from(*prefix)).unwrap_or(0);
                    u128::from(n) & mask == u128::from(a) & mask
                }
                _ => false,
            })
    }
}

/// Compares without stopping at the first difference, so the time taken says nothing of how
/// much of a guess was right.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `GET /metrics`.
pub async fn scrape(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    headers: axum::http::HeaderMap,
) -> Response {
    let settings = &state.settings;
    if settings.metrics_token.is_none() && settings.metrics_allow.is_empty() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let by_token = match (&settings.metrics_token, bearer) {
        (Some(token), Some(sent)) => same_secret(token.as_bytes(), sent.as_bytes()),
        _ => false,
    };
    let by_address = ctx
        .ip
        .parse::<IpAddr>()
        .is_ok_and(|ip| AllowList(settings.metrics_allow.clone()).allows(ip));
    if !by_token && !by_address {
        return (
            StatusCode::FORBIDDEN,
            "metrics are not open to this client\n",
        )
            .into_response();
    }
    let handle = install();
    handle.run_upkeep();
    let mut body = handle.render();
    match app::admin::queues::depths(&state.db, state.clock.now_ms()).await {
        Ok(depths) => body.push_str(&gauges(&depths, &state.db)),
        Err(e) => {
            tracing::error!("could not read queue depths for /metrics: {e}");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

/// The gauges read at scrape time, in the text format.
fn gauges(d: &app::admin::queues::Depths, db: &app::db::Db) -> String {
    let age = |ms: Option<i64>| ms.map_or(0.0, |ms| ms.max(0) as f64 / 1000.0);
    let rows: [(&str, &str, f64); 7] = [
        (
            "extramile_outbox_queued",
            "Emails waiting in the outbox.",
            d.outbox_queued as f64,
        ),
        (
            "extramile_outbox_oldest_age_seconds",
            "Age of the oldest email waiting in the outbox (0 when none waits).",
            age(d.outbox_oldest_age_ms),
        ),
        (
            "extramile_webhook_queue_depth",
            "Webhook deliveries pending.",
            d.webhooks_pending as f64,
        ),
        (
            "extramile_webhook_oldest_age_seconds",
            "Age of the oldest pending webhook delivery (0 when none is pending).",
            age(d.webhooks_oldest_age_ms),
        ),
        (
            "extramile_db_pool_connections",
            "Database connections open in this instance's pool.",
            f64::from(db.size()),
        ),
        (
            "extramile_db_pool_idle_connections",
            "Open database connections not in use.",
            db.num_idle() as f64,
        ),
        (
            "extramile_db_pool_max_connections",
            "The most connections the pool may open.",
            f64::from(db.options().get_max_connections()),
        ),
    ];
    let mut out = String::new();
    for (name, help, value) in rows {
        out.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_allow_list_takes_addresses_and_networks_of_both_families() {
        let list = AllowList::parse("127.0.0.1, 10.0.0.0/8 ,fd00::/8").unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(list.allows(ip("127.0.0.1")));
        assert!(list.allows(ip("::ffff:127.0.0.1")));
        assert!(!list.allows(ip("127.0.0.2")));
        assert!(list.allows(ip("10.200.3.4")));
        assert!(!list.allows(ip("11.0.0.1")));
        assert!(list.allows(ip("fd12::1")));
        assert!(!list.allows(ip("fe80::1")));
        assert!(AllowList::parse("0.0.0.0/0").unwrap().allows(ip("8.8.8.8")));
        assert_eq!(AllowList::parse("").unwrap(), AllowList::default());
    }

    #[test]
    fn an_allow_list_with_anything_but_addresses_is_refused() {
        for bad in ["localhost", "10.0.0.0/33", "::1/129", "1.2.3.4/x"] {
            assert!(AllowList::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn secrets_match_only_in_full() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"abcd"));
    }
}
