//! `GET /metrics`: refused without the token or from an address not allowed, served in the
//! Prometheus text format with the token or from an allowed address, with request counters by
//! route template and the queue depth gauges read from the database.
use crate::helpers::*;
use reqwest::Client;

async fn scrape(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut req = Client::new().get(app.url("/metrics"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

fn allow(list: &str) -> Vec<(std::net::IpAddr, u8)> {
    server::http::metrics::AllowList::parse(list).unwrap().0
}

#[tokio::test]
async fn metrics_do_not_exist_until_a_token_or_an_address_is_configured() {
    let app = spawn_app().await;
    assert_eq!(scrape(&app, None).await.status(), 404);
    assert_eq!(scrape(&app, Some("anything")).await.status(), 404);
}

#[tokio::test]
async fn metrics_are_refused_without_the_token_or_from_an_address_not_allowed() {
    let app = spawn_app_with(|s| {
        s.metrics_token = Some("scrape-secret-1".into());
        s.metrics_allow = allow("10.0.0.0/8, 192.0.2.7");
    })
    .await;
    assert_eq!(scrape(&app, None).await.status(), 403);
    assert_eq!(scrape(&app, Some("scrape-secret-2")).await.status(), 403);
    assert_eq!(scrape(&app, Some("scrape-secret-")).await.status(), 403);
    let staff = app.staff_browser("admin").await;
    assert_eq!(
        app.get(&staff, "/metrics").await.status(),
        403,
        "a staff session is no metrics token"
    );
}

#[tokio::test]
async fn metrics_are_served_with_the_token_with_requests_by_route_and_queue_depths() {
    let app = spawn_app_with(|s| s.metrics_token = Some("scrape-secret-1".into())).await;
    let staff = app.staff_browser("manager").await;
    let id = customer(&app, &staff, "Grace Hopper", "crm-1906").await;
    assert_eq!(
        app.get(&staff, &format!("/customers/{id}")).await.status(),
        200
    );
    assert_eq!(app.get(&staff, "/no-such-page").await.status(), 404);
    sqlx::query(
        "INSERT INTO email_outbox (to_address, subject, body, status, attempts, next_attempt_at, created_at)
         VALUES ('a@example.com', 's', 'b', 'queued', 0, $1, $2)",
    )
    .bind(app.clock.now_ms())
    .bind(app.clock.now_ms() - 90_000)
    .execute(&app.db)
    .await
    .unwrap();

    // A pass of the background jobs, so their runs are counted.
    app.advance(std::time::Duration::from_secs(61)).await;

    let res = scrape(&app, Some("scrape-secret-1")).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = res.text().await.unwrap();
    let series =
        |prefix: &str| -> Vec<&str> { text.lines().filter(|l| l.starts_with(prefix)).collect() };
    let page = series("extramile_http_requests_total{")
        .into_iter()
        .find(|l| l.contains("route=\"/customers/{id}\"") && l.contains("status=\"200\""))
        .unwrap_or_else(|| panic!("no counter for the customer page:\n{text}"));
    assert!(page.contains("method=\"GET\""), "{page}");
    assert!(
        !text.contains(&format!("/customers/{id}\"")),
        "routes are labelled by template, never by the path asked for"
    );
    assert!(
        series("extramile_http_requests_total{")
            .iter()
            .any(|l| l.contains("route=\"fallback\"") && l.contains("status=\"404\"")),
        "unknown paths share one label:\n{text}"
    );
    assert!(
        series("extramile_http_request_duration_seconds_bucket{")
            .iter()
            .any(|l| l.contains("route=\"/customers/{id}\"")),
        "latency by route:\n{text}"
    );
    assert!(
        text.contains("# TYPE extramile_http_requests_total counter"),
        "{text}"
    );
    let gauge = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name}:\n{text}"))
            .parse()
            .unwrap()
    };
    assert_eq!(gauge("extramile_outbox_queued"), 1.0);
    assert!(gauge("extramile_outbox_oldest_age_seconds") >= 90.0);
    assert_eq!(gauge("extramile_webhook_queue_depth"), 0.0);
    assert_eq!(gauge("extramile_webhook_oldest_age_seconds"), 0.0);
    assert_eq!(gauge("extramile_db_pool_max_connections"), 5.0);
    assert!(gauge("extramile_db_pool_connections") >= 1.0);
    assert!(text.contains("# TYPE extramile_webhook_queue_depth gauge"));
    assert!(
        series("extramile_job_runs_total{")
            .iter()
            .any(|l| l.contains("job=\"") && l.contains("outcome=\"")),
        "job runs by job and outcome:\n{text}"
    );
    assert!(
        text.contains("# TYPE extramile_job_duration_seconds histogram"),
        "job durations:\n{text}"
    );
}

#[tokio::test]
async fn metrics_are_served_without_a_token_to_an_allowed_address() {
    let app = spawn_app_with(|s| s.metrics_allow = allow("127.0.0.0/8")).await;
    let res = scrape(&app, None).await;
    assert_eq!(res.status(), 200);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("extramile_outbox_queued 0"));
    let elsewhere = spawn_app_with(|s| s.metrics_allow = allow("192.0.2.0/24")).await;
    assert_eq!(scrape(&elsewhere, None).await.status(), 403);
}
