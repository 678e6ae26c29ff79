use crate::helpers::*;

#[tokio::test]
async fn a_cross_site_post_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let client = app.staff_browser("manager").await;
    let form = [
        ("name", "Forged"),
        ("email", ""),
        ("phone", ""),
        ("external_ref", ""),
        ("segment", ""),
    ];
    let res = client
        .post(app.url("/fn/customers/create"))
        .header("origin", "http://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = client
        .post(app.url("/fn/customers/create"))
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
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
        .form(&[
            ("name", "Real"),
            ("email", ""),
            ("phone", ""),
            ("external_ref", ""),
            ("segment", ""),
        ])
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
    let res = browser().get(app.url("/login")).send().await.unwrap();
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
    let res = browser().get(app.url("/login")).send().await.unwrap();
    assert!(res.headers().get("strict-transport-security").is_some());
}

#[tokio::test]
async fn health_check_reports_the_database() {
    let app = spawn_app().await;
    let res = browser().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn unknown_pages_answer_404() {
    let app = spawn_app().await;
    let res = browser()
        .get(app.url("/no-such-page"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn responses_carry_a_request_id() {
    let app = spawn_app().await;
    let res = browser().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.headers().get("x-request-id").unwrap().len(), 16);
}

#[tokio::test]
async fn what_a_signed_in_person_is_sent_is_never_cached() {
    let app = spawn_app().await;
    let staff = app.staff_browser("associate").await;
    for path in ["/dashboard", "/customers", "/account"] {
        let res = staff.get(app.url(path)).send().await.unwrap();
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
    let portal = customer.get(app.url("/portal")).send().await.unwrap();
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
    let page = browser()
        .get(app.url("/dashboard"))
        .header("cookie", format!("__Host-em_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let plain = browser()
        .get(app.url("/dashboard"))
        .header("cookie", format!("em_session={token}"))
        .send()
        .await
        .unwrap();
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
            &[
                ("name", &name),
                ("email", ""),
                ("phone", ""),
                ("external_ref", ""),
                ("segment", ""),
            ],
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
        let csv = staff
            .get(app.url(&format!("/reports/weekly.csv?week={week}")))
            .send()
            .await
            .unwrap();
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
    let created = app
        .call(
            &admin,
            "admin/tokens/create",
            &[
                ("name", "Dashboards"),
                ("expires_in_days", "30"),
                ("read_only", "1"),
            ],
        )
        .await;
    assert_eq!(created.status(), 200);
    let view: serde_json::Value = app
        .call(&admin, "admin/tokens/list", &[])
        .await
        .json()
        .await
        .unwrap();
    let token = view["revealed"].as_str().unwrap().to_string();
    assert_eq!(view["tokens"][0]["read_only"], true);
    assert!(view["tokens"][0]["expires_at"].as_i64().unwrap() > app::db::now_ms());
    let client = reqwest::Client::new();
    let read = client
        .get(app.url("/api/v1/whoami"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
    let write = client
        .post(app.url("/api/v1/feedback"))
        .bearer_auth(&token)
        .json(&serde_json::json!([]))
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), 403, "a read-only token cannot write");
    sqlx::query("UPDATE api_tokens SET expires_at = 1")
        .execute(&app.db)
        .await
        .unwrap();
    let expired = client
        .get(app.url("/api/v1/whoami"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), 401);
    for _ in 0..5 {
        client
            .get(app.url("/api/v1/whoami"))
            .bearer_auth("em_nonsense")
            .send()
            .await
            .unwrap();
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
