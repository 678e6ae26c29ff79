//! The account lifecycle: changing a password, recovering it through a reset link from the
//! outbox, admins sending links, and customers re-invited or switched off.
use crate::helpers::*;
use reqwest::Client;

/// The link in the newest email to `to`, as the path after the public address.
async fn emailed_link(app: &TestApp, to: &str) -> String {
    let body: String = sqlx::query_scalar(
        "SELECT body FROM email_outbox WHERE to_address = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(to)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let url = body
        .split_whitespace()
        .find(|w| w.starts_with("http"))
        .unwrap();
    path_of(url)
}

async fn customer_email(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT email FROM customers WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn signed_in(app: &TestApp, client: &Client, path: &str) -> bool {
    app.get(client, path).await.status() == 200
}

#[tokio::test]
async fn changing_a_password_needs_the_current_one_and_ends_other_sessions() {
    let app = spawn_app().await;
    let email = app.staff("associate").await;
    let (here, elsewhere) = (
        app.signed_in_as(&email).await,
        app.signed_in_as(&email).await,
    );
    let wrong = app
        .post_form(
            &here,
            "/account/password",
            &[
                ("current", "not it at all"),
                ("password", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(location(&wrong), "/account?error=current");
    let weak = app
        .post_form(
            &here,
            "/account/password",
            &[
                ("current", PASSWORD),
                ("password", "password1234"),
                ("confirm", "password1234"),
            ],
        )
        .await;
    assert_eq!(location(&weak), "/account?error=password");
    let ok = app
        .post_form(
            &here,
            "/account/password",
            &[
                ("current", PASSWORD),
                ("password", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(location(&ok), "/account?flash=password-changed");
    assert!(
        signed_in(&app, &here, "/dashboard").await,
        "this session goes on"
    );
    assert!(
        !signed_in(&app, &elsewhere, "/dashboard").await,
        "other sessions end"
    );
    assert!(app
        .sign_in_leads_to("/login", &email, PASSWORD)
        .await
        .starts_with("/login?error"));
    assert_eq!(
        app.sign_in_leads_to("/login", &email, NEW_PASSWORD).await,
        "/dashboard"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'password.change'")
            .await,
        1
    );
    let page = app.page_text(&here, "/account").await;
    assert!(page.contains("Change your password"));
}

#[tokio::test]
async fn a_forgotten_password_is_reset_once_through_the_emailed_link() {
    let app = spawn_app().await;
    let email = app.staff("manager").await;
    let old_session = app.signed_in_as(&email).await;

    let known = app
        .post_form(&browser(), "/login/forgot", &[("email", &email)])
        .await;
    let unknown = app
        .post_form(
            &browser(),
            "/login/forgot",
            &[("email", "nobody@example.com")],
        )
        .await;
    assert!(location(&known).starts_with("/login/forgot?flash=reset-sent"));
    assert!(
        location(&unknown).starts_with("/login/forgot?flash=reset-sent"),
        "the same answer either way"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox").await,
        1,
        "only a real account gets mail"
    );
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM password_resets")
        .fetch_one(&app.db)
        .await
        .unwrap();

    let link = emailed_link(&app, &email).await;
    assert!(link.starts_with("/reset/"));
    assert!(!link.contains(&stored), "only the token's hash is stored");
    let page = app.get(&browser(), &link).await;
    assert_eq!(page.status(), 200);
    let mismatch = app
        .post_form(
            &browser(),
            &link,
            &[
                ("password", NEW_PASSWORD),
                ("confirm", "something else entirely"),
            ],
        )
        .await;
    assert!(location(&mismatch).ends_with("?error=mismatch"));
    let done = app
        .post_form(&browser(), &link, &new_password(NEW_PASSWORD))
        .await;
    assert_eq!(location(&done), "/login?flash=password-reset");
    assert!(
        !signed_in(&app, &old_session, "/dashboard").await,
        "every session ends"
    );
    let reused = app
        .post_form(&browser(), &link, &new_password(NEW_PASSWORD))
        .await;
    assert_eq!(reused.status(), 410, "a link works once");
    assert_eq!(
        app.sign_in_leads_to("/login", &email, NEW_PASSWORD).await,
        "/dashboard"
    );
    let portal_use = app
        .post_form(
            &browser(),
            &link.replace("/reset/", "/portal/reset/"),
            &new_password(NEW_PASSWORD),
        )
        .await;
    assert_eq!(portal_use.status(), 410);
}

#[tokio::test]
async fn an_expired_reset_link_no_longer_works() {
    let app = spawn_app().await;
    let (_, email) = app.portal_customer("Dana Reyes").await;
    app.post_form(&browser(), "/portal/login/forgot", &[("email", &email)])
        .await;
    let link = emailed_link(&app, &email).await;
    assert!(link.starts_with("/portal/reset/"));
    sqlx::query("UPDATE password_resets SET expires_at = expires_at - 3600001")
        .execute(&app.db)
        .await
        .unwrap();
    let res = app
        .post_form(&browser(), &link, &new_password(NEW_PASSWORD))
        .await;
    assert_eq!(res.status(), 410);
    assert_eq!(
        app.sign_in_leads_to("/portal/login", &email, PASSWORD)
            .await,
        "/portal"
    );
}

#[tokio::test]
async fn reset_requests_are_rate_limited_per_email() {
    let app = spawn_app().await;
    let email = app.staff("associate").await;
    for _ in 0..5 {
        let res = app
            .post_form(&browser(), "/login/forgot", &[("email", &email)])
            .await;
        assert_eq!(res.status(), 303);
    }
    let res = app
        .post_form(&browser(), "/login/forgot", &[("email", &email)])
        .await;
    assert_eq!(res.status(), 429);
    assert_eq!(app.count("SELECT COUNT(*) FROM email_outbox").await, 5);
}

#[tokio::test]
async fn an_admin_sends_a_staff_member_a_reset_link() {
    let app = spawn_app().await;
    let email = app.staff("associate").await;
    let id = app.staff_id(&email).await;
    let manager = app.staff_browser("manager").await;
    assert_eq!(
        app.call(
            &manager,
            "admin/users/send-reset",
            &[("id", &id.to_string())]
        )
        .await
        .status(),
        403
    );
    let admin = app.staff_browser("admin").await;
    assert_eq!(
        app.call(&admin, "admin/users/send-reset", &[("id", &id.to_string())])
            .await
            .status(),
        200
    );
    let link = emailed_link(&app, &email).await;
    let done = app
        .post_form(&browser(), &link, &new_password(NEW_PASSWORD))
        .await;
    assert_eq!(location(&done), "/login?flash=password-reset");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'password_reset.send'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_customer_is_switched_off_and_invited_again_with_a_new_password() {
    let app = spawn_app().await;
    let (customer, customer_id) = app.customer_browser().await;
    let email = customer_email(&app, customer_id).await;
    let associate = app.staff_browser("associate").await;
    let off = app
        .call(
            &associate,
            "customers/portal-login/disable",
            &[("customer_id", &customer_id.to_string())],
        )
        .await;
    assert_eq!(off.status(), 200);
    assert!(
        !signed_in(&app, &customer, "/portal").await,
        "their sessions end"
    );
    assert!(app
        .sign_in_leads_to("/portal/login", &email, PASSWORD)
        .await
        .starts_with("/portal/login?error"));

    let admin = app.staff_browser("admin").await;
    assert_eq!(
        invite(&app, &admin, &email).await,
        200,
        "a customer with a login can be invited again"
    );
    let path = invitation_path(&app, &admin).await;
    let accepted = app
        .post_form(&browser(), &path, &new_password(NEW_PASSWORD))
        .await;
    assert_eq!(location(&accepted), "/portal?flash=welcome");
    assert!(app
        .sign_in_leads_to("/portal/login", &email, PASSWORD)
        .await
        .starts_with("/portal/login?error"));
    assert_eq!(
        app.sign_in_leads_to("/portal/login", &email, NEW_PASSWORD)
            .await,
        "/portal"
    );
}

#[tokio::test]
async fn changing_a_customers_sign_in_email_tells_the_old_address_and_ends_their_sessions() {
    let app = spawn_app().await;
    let (customer, customer_id) = app.customer_browser().await;
    let old = customer_email(&app, customer_id).await;
    app.post_form(&browser(), "/portal/login/forgot", &[("email", &old)])
        .await;
    let link = emailed_link(&app, &old).await;
    let staff = app.staff_browser("associate").await;
    let id = customer_id.to_string();
    let form = customer_form(&[
        ("id", &id),
        ("name", "Portal Person"),
        ("email", "new-address@example.com"),
    ]);
    let res = app.call(&staff, "customers/update", &form).await;
    assert_eq!(res.status(), 200);
    assert!(!signed_in(&app, &customer, "/portal").await);
    let told: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM email_outbox WHERE to_address = $1")
        .bind(&old)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(told, 2, "the reset link, then the notice of the change");
    let stale = app
        .post_form(&browser(), &link, &new_password(NEW_PASSWORD))
        .await;
    assert_eq!(
        stale.status(),
        410,
        "a link sent to the old address no longer works"
    );
}

#[tokio::test]
async fn switching_off_a_portal_login_spends_the_invitations_already_sent() {
    let app = spawn_app().await;
    let (_, customer_id) = app.customer_browser().await;
    let email = customer_email(&app, customer_id).await;
    let admin = app.staff_browser("admin").await;
    assert_eq!(invite(&app, &admin, &email).await, 200);
    let path = invitation_path(&app, &admin).await;
    let off = app
        .call(
            &admin,
            "customers/portal-login/disable",
            &[("customer_id", &customer_id.to_string())],
        )
        .await;
    assert_eq!(off.status(), 200);
    let accepted = app
        .post_form(&browser(), &path, &new_password(NEW_PASSWORD))
        .await;
    assert_eq!(
        accepted.status(),
        410,
        "an older invitation cannot switch the login back on"
    );
    assert!(app
        .sign_in_leads_to("/portal/login", &email, NEW_PASSWORD)
        .await
        .starts_with("/portal/login?error"));
}
