//! Signing in and out: strict sessions, refusals that say nothing of which part was wrong,
//! throttling, rotation, expiry, and where a sign-in leads.
use crate::helpers::*;

#[tokio::test]
async fn staff_sign_in_with_the_right_password_starts_a_strict_session() {
    let app = spawn_app().await;
    let email = app.staff("manager").await;
    let client = browser();
    let res = app.sign_in(&client, "/login", &email, PASSWORD).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/dashboard");
    let cookie = res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let page = app.get(&client, "/dashboard").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Hello, Test"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'signin.success'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_audited_without_a_session() {
    let app = spawn_app().await;
    let email = app.staff("associate").await;
    let client = browser();
    let res = app
        .sign_in(&client, "/login", &email, "not the password at all")
        .await;
    assert_eq!(res.status(), 303);
    assert!(location(&res).starts_with("/login?error=invalid"));
    assert!(session_cookie(&res).is_none());
    assert_eq!(app.get(&client, "/dashboard").await.status(), 303);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'signin.failure'")
            .await,
        1
    );
}

#[tokio::test]
async fn an_unknown_email_is_refused_like_a_wrong_password() {
    let app = spawn_app().await;
    let res = app
        .sign_in_leads_to("/login", "nobody@example.com", PASSWORD)
        .await;
    assert!(res.starts_with("/login?error=invalid"));
}

#[tokio::test]
async fn a_deactivated_account_cannot_sign_in() {
    let app = spawn_app().await;
    let email = app.staff("associate").await;
    sqlx::query("UPDATE staff_users SET active = 0 WHERE email = $1")
        .bind(&email)
        .execute(&app.db)
        .await
        .unwrap();
    let res = app.sign_in_leads_to("/login", &email, PASSWORD).await;
    assert!(res.starts_with("/login?error=invalid"));
}

#[tokio::test]
async fn repeated_failures_on_one_account_are_rate_limited_with_429() {
    let app = spawn_app().await;
    let email = app.staff("associate").await;
    let client = browser();
    for _ in 0..5 {
        let res = app
            .sign_in(&client, "/login", &email, "wrong password guess")
            .await;
        assert_eq!(res.status(), 303);
    }
    let res = app.sign_in(&client, "/login", &email, PASSWORD).await;
    assert_eq!(
        res.status(),
        429,
        "even the right password waits once the limit is reached"
    );
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Too many sign-in attempts"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'signin.throttled'")
            .await,
        1
    );
}

#[tokio::test]
async fn failures_from_one_address_across_accounts_are_rate_limited() {
    let app = spawn_app_with(|s| s.signin_limit_per_ip = 3).await;
    let client = browser();
    for i in 0..3 {
        app.sign_in(
            &client,
            "/login",
            &format!("guess{i}@example.com"),
            "wrong password guess",
        )
        .await;
    }
    let email = app.staff("manager").await;
    assert_eq!(
        app.sign_in(&client, "/login", &email, PASSWORD)
            .await
            .status(),
        429
    );
}

#[tokio::test]
async fn signing_in_again_rotates_the_session_id_and_ends_the_old_one() {
    let app = spawn_app().await;
    let email = app.staff("associate").await;
    let first = browser();
    let old = session_cookie(&app.sign_in(&first, "/login", &email, PASSWORD).await).unwrap();
    let new = session_cookie(&app.sign_in(&first, "/login", &email, PASSWORD).await).unwrap();
    assert_ne!(old, new);
    let stale = app
        .get_with_cookie(&format!("em_session={old}"), "/dashboard")
        .await;
    assert_eq!(stale.status(), 303, "the old session id no longer works");
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let email = app.staff("associate").await;
    let client = browser();
    let token = session_cookie(&app.sign_in(&client, "/login", &email, PASSWORD).await).unwrap();
    let res = app.post_form(&client, "/logout", &[]).await;
    assert_eq!(res.status(), 303);
    assert!(res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let replay = app
        .get_with_cookie(&format!("em_session={token}"), "/dashboard")
        .await;
    assert_eq!(
        replay.status(),
        303,
        "a copied cookie is useless after sign-out"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = spawn_app_with(|s| s.session_idle_minutes = 0).await;
    let email = app.staff("associate").await;
    let client = browser();
    app.sign_in(&client, "/login", &email, PASSWORD).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert_eq!(app.get(&client, "/dashboard").await.status(), 303);
}

#[tokio::test]
async fn sign_in_returns_to_the_page_asked_for_but_never_to_another_site() {
    let app = spawn_app().await;
    let email = app.staff("associate").await;
    for (next, to) in [
        ("/customers?q=dana", "/customers?q=dana"),
        ("//evil.example", "/dashboard"),
    ] {
        let form = [
            ("email", email.as_str()),
            ("password", PASSWORD),
            ("next", next),
        ];
        let res = app.post_form(&browser(), "/login", &form).await;
        assert_eq!(location(&res), to, "{next}");
    }
}

#[tokio::test]
async fn customers_sign_in_at_the_portal_and_not_at_the_staff_form() {
    let app = spawn_app().await;
    let (_, email) = app.portal_customer("Dana Reyes").await;
    let staff_form = app.sign_in_leads_to("/login", &email, PASSWORD).await;
    assert!(staff_form.starts_with("/login?error=invalid"));
    let client = browser();
    let res = app
        .sign_in(&client, "/portal/login", &email, PASSWORD)
        .await;
    assert_eq!(location(&res), "/portal");
    let portal = app.get(&client, "/portal").await;
    assert_eq!(portal.status(), 200);
}
