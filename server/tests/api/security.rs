//! The defences every request passes: cross-site refusals, security headers, uncached
//! signed-in pages, cookie scoping, body limits, range checks and API token limits.
use crate::helpers::*;

#[tokio::test]
async fn a_cross_site_post_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let client = app.staff_browser("manager").await;
    let form = customer_form(&[("name", "Forged")]);
    for (header, value) in [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let res = client
            .post(app.url("/fn/customers/create"))
            .header(header, value)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{header}: {value}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM customers").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied.cross_site'")
            .await,
        1,
        "refusals are recorded once per client and minute"
    );
}

#[tokio::test]
async fn a_same_origin_post_from_the_app_is_accepted() {
    let app = spawn_app().await;
    let client = app.staff_browser("manager").await;
    let host = app.base.trim_start_matches("http://").to_string();
    let res = client
        .post(app.url("/fn/customers/create"))
        .header("origin", format!("http://{host}"))
        .header("accept", "application/json")
        .form(&customer_form(&[("name", "Real")]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(app.count("SELECT COUNT(*) FROM customers").await, 1);
}

#[tokio::test]
async fn a_cross_site_sign_in_is_refused() {
    let app = spawn_app().await;
    let email = app.staff("manager").await;
    let res = browser()
        .post(app.url("/login"))
        .header("origin", "http://evil.example")
        .form(&[("email", email.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn html_responses_carry_the_security_headers_and_the_script_nonce() {
    let app = spawn_app().await;
    let res = app.get(&browser(), "/login").await;
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    let csp = h
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    for part in [
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "script-src 'self' 'nonce-",
    ] {
        assert!(csp.contains(part), "CSP lacks {part}: {csp}");
    }
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
    assert!(h.get("referrer-policy").is_some());
    assert!(
        h.get("strict-transport-security").is_none(),
        "no HSTS over plain HTTP"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_string();
    let body = res.text().await.unwrap();
    assert!(
        body.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the nonce"
    );
}

#[tokio::test]
async fn hsts_is_sent_when_served_over_tls() {
    let app = spawn_app_with(|s| s.secure_cookies = true).await;
    let res = app.get(&browser(), "/login").await;
    assert!(res.headers().get("strict-transport-security").is_some());
}

#[tokio::test]
async fn health_check_reports_the_database() {
    let app = spawn_app().await;
    let res = app.get(&browser(), "/healthz").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn unknown_pages_answer_404() {
    let app = spawn_app().await;
    let res = app.get(&browser(), "/no-such-page").await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn responses_carry_a_request_id() {
    let app = spawn_app().await;
    let res = app.get(&browser(), "/healthz").await;
    assert_eq!(res.headers().get("x-request-id").unwrap().len(), 16);
}

#[tokio::test]
async fn what_a_signed_in_person_is_sent_is_never_cached() {
    let app = spawn_app().await;
    let staff = app.staff_browser("associate").await;
    for path in ["/dashboard", "/customers", "/account"] {
        let res = app.get(&staff, path).await;
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
    }
    let fn_call = app
        .call(
            &staff,
            "customers/list",
            &[("q", ""), ("sort", "name"), ("page", "1")],
        )
        .await;
    assert_eq!(fn_call.headers()["cache-control"], "no-store");
    let (customer, _) = app.customer_browser().await;
    let portal = app.get(&customer, "/portal").await;
    assert_eq!(portal.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn over_tls_the_session_cookie_is_host_prefixed_and_secure_and_still_signs_in() {
    let app = spawn_app_with(|s| s.secure_cookies = true).await;
    let email = app.staff("associate").await;
    let res = app.sign_in(&browser(), "/login", &email, PASSWORD).await;
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("__Host-em_session="), "{cookie}");
    assert!(
        cookie.contains("; Secure") && cookie.contains("Path=/;"),
        "{cookie}"
    );
    let token = cookie
        .trim_start_matches("__Host-em_session=")
        .split(';')
        .next()
        .unwrap();
    let page = app
        .get_with_cookie(&format!("__Host-em_session={token}"), "/dashboard")
        .await;
    assert_eq!(page.status(), 200);
    let plain = app
        .get_with_cookie(&format!("em_session={token}"), "/dashboard")
        .await;
    assert_eq!(
        plain.status(),
        303,
        "a cookie without the prefix is not the session cookie"
    );
}

#[tokio::test]
async fn a_one_time_secret_cookie_is_sent_only_to_the_page_and_function_that_show_it() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let res = app
        .call(&admin, "admin/tokens/create", &[("name", "Scoped")])
        .await;
    let paths: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|v| v.starts_with("em_reveal="))
        .map(|v| {
            v.split("Path=")
                .nth(1)
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(paths, ["/admin/tokens", "/fn/admin/tokens/list"]);
}

#[tokio::test]
async fn an_over_long_server_function_body_is_refused_with_413_and_changes_nothing() {
    let app = spawn_app().await;
    let staff = app.staff_browser("associate").await;
    let name = "x".repeat(2 << 20);
    let res = app
        .call(
            &staff,
            "customers/create",
            &customer_form(&[("name", &name)]),
        )
        .await;
    assert_eq!(res.status(), 413);
    let chunks =
        futures::stream::iter((0..40).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 64 * 1024])));
    let streamed = staff
        .post(app.url("/fn/customers/create"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(
        streamed.status(),
        413,
        "a body without a declared length is cut off too"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM customers").await, 0);
}

#[tokio::test]
async fn page_numbers_and_report_weeks_out_of_range_are_bad_requests_not_failures() {
    let app = spawn_app().await;
    let staff = app.staff_browser("manager").await;
    for page in ["0", "-5", "100001", "9223372036854775807"] {
        let res = app
            .call(
                &staff,
                "customers/list",
                &[("q", ""), ("sort", "name"), ("page", page)],
            )
            .await;
        assert_eq!(res.status(), 400, "customers page {page}");
        let res = app
            .call(
                &staff,
                "follow-ups/list",
                &[("queue", "team"), ("page", page)],
            )
            .await;
        assert_eq!(res.status(), 400, "follow-ups page {page}");
    }
    for week in ["1970-W01", "2101-W01", "99999-W01"] {
        let res = app.call(&staff, "reports/weekly", &[("week", week)]).await;
        assert!(
            matches!(res.status().as_u16(), 400 | 422),
            "week {week}: {}",
            res.status()
        );
        let csv = app
            .get(&staff, &format!("/reports/weekly.csv?week={week}"))
            .await;
        assert!(
            csv.status().is_client_error(),
            "csv week {week}: {}",
            csv.status()
        );
    }
}

#[tokio::test]
async fn api_tokens_can_expire_and_be_read_only_and_refusals_are_audited_once_a_minute() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let fields = [
        ("name", "Dashboards"),
        ("expires_in_days", "30"),
        ("read_only", "1"),
    ];
    let token = create_token(&app, &admin, &fields).await;
    let view = app.call_json(&admin, "admin/tokens/list", &[]).await;
    assert_eq!(view["tokens"][0]["read_only"], true);
    assert!(view["tokens"][0]["expires_at"].as_i64().unwrap() > app::db::now_ms());
    let read = app.api_get(&token, "/api/v1/whoami").await;
    assert_eq!(read.status(), 200);
    let write = app
        .api_post(&token, "/api/v1/feedback", &serde_json::json!([]))
        .await;
    assert_eq!(write.status(), 403, "a read-only token cannot write");
    sqlx::query("UPDATE api_tokens SET expires_at = 1")
        .execute(&app.db)
        .await
        .unwrap();
    let expired = app.api_get(&token, "/api/v1/whoami").await;
    assert_eq!(expired.status(), 401);
    for _ in 0..5 {
        app.api_get("em_nonsense", "/api/v1/whoami").await;
    }
    let audited = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'api.unauthenticated'")
        .await;
    assert_eq!(
        audited, 1,
        "six refusals from one address in a minute, one entry"
    );
    let bad = app
        .call(
            &admin,
            "admin/tokens/create",
            &[("name", "Forever"), ("expires_in_days", "99999")],
        )
        .await;
    assert_eq!(bad.status(), 422);
}
