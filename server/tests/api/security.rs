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
        2
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
