//! Admins' work: staff accounts, API tokens and portal invitations.
use crate::helpers::*;
use reqwest::{Client, Response};

/// An admin creates a staff account with `email`, `role` and `password`.
async fn create_user(
    app: &TestApp,
    admin: &Client,
    email: &str,
    role: &str,
    password: &str,
) -> Response {
    let form = [
        ("email", email),
        ("name", "New Person"),
        ("role", role),
        ("password", password),
    ];
    app.call(admin, "admin/users/create", &form).await
}

#[tokio::test]
async fn an_admin_creates_a_staff_account_that_can_sign_in() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let res = create_user(
        &app,
        &admin,
        "new.person@example.com",
        "manager",
        NEW_PASSWORD,
    )
    .await;
    assert_eq!(res.status(), 200);
    let signed_in = app
        .sign_in_leads_to("/login", "new.person@example.com", NEW_PASSWORD)
        .await;
    assert_eq!(signed_in, "/dashboard");
}

#[tokio::test]
async fn weak_passwords_and_bad_roles_are_refused_for_new_accounts() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let res = create_user(&app, &admin, "x@example.com", "owner", "password1234").await;
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    let fields = field_errors(&body);
    assert!(
        fields.contains(&"role".into()) && fields.contains(&"password".into()),
        "{body}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM staff_users WHERE email = 'x@example.com'")
            .await,
        0
    );
}

#[tokio::test]
async fn deactivating_an_account_signs_it_out_everywhere() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let email = app.staff("associate").await;
    let victim = app.signed_in_as(&email).await;
    let id = app.staff_id(&email).await.to_string();
    let res = app
        .call(
            &admin,
            "admin/users/update",
            &[("id", &id), ("role", "associate"), ("active", "0")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.get(&victim, "/dashboard").await.status(), 303);
}

#[tokio::test]
async fn an_admin_cannot_demote_themselves() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let id = app.count("SELECT id FROM staff_users").await.to_string();
    let res = app
        .call(
            &admin,
            "admin/users/update",
            &[("id", &id), ("role", "associate"), ("active", "1")],
        )
        .await;
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn an_api_token_is_shown_once_works_for_the_api_and_stops_when_revoked() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let token = create_token(&app, &admin, &[("name", "Survey tool")]).await;
    let again = app.call_json(&admin, "admin/tokens/list", &[]).await;
    assert!(again["revealed"].is_null(), "and only once");
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_ne!(stored, token, "only a hash is stored");

    let ok = app.api_get(&token, "/api/v1/whoami").await;
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.json::<serde_json::Value>().await.unwrap()["token"]["name"],
        "Survey tool"
    );
    assert_eq!(
        app.get(&reqwest::Client::new(), "/api/v1/whoami")
            .await
            .status(),
        401
    );

    let id = again["tokens"][0]["id"].as_i64().unwrap().to_string();
    assert_eq!(
        app.call(&admin, "admin/tokens/revoke", &[("id", &id)])
            .await
            .status(),
        200
    );
    assert_eq!(app.api_get(&token, "/api/v1/whoami").await.status(), 401);
}

#[tokio::test]
async fn a_customer_accepts_an_invitation_once_and_reaches_the_portal() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let associate = app.staff_browser("associate").await;
    customer(&app, &associate, "Dana Reyes", "c-1001").await;
    assert_eq!(invite(&app, &admin, "c-1001").await, 200);
    let path = invitation_path(&app, &admin).await;
    assert!(path.starts_with("/portal/invite/"), "{path}");

    let customer = browser();
    assert_eq!(app.get(&customer, &path).await.status(), 200);
    let weak = app
        .post_form(&customer, &path, &new_password("password1234"))
        .await;
    assert!(location(&weak).contains("error=password"));
    let res = app
        .post_form(&customer, &path, &new_password(NEW_PASSWORD))
        .await;
    assert_eq!(location(&res), "/portal?flash=welcome");
    assert_eq!(app.get(&customer, "/portal").await.status(), 200);
    let reuse = app
        .post_form(&browser(), &path, &new_password("another long phrase here"))
        .await;
    assert_eq!(reuse.status(), 410, "an invitation works once");
    let relogin = app
        .sign_in(
            &browser(),
            "/portal/login",
            "c-1001@example.com",
            NEW_PASSWORD,
        )
        .await;
    assert_eq!(location(&relogin), "/portal");
}

#[tokio::test]
async fn an_expired_invitation_is_refused() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let associate = app.staff_browser("associate").await;
    customer(&app, &associate, "Mei Chen", "c-1004").await;
    assert_eq!(invite(&app, &admin, "c-1004@example.com").await, 200);
    let path = invitation_path(&app, &admin).await;
    sqlx::query("UPDATE portal_invitations SET expires_at = 0")
        .execute(&app.db)
        .await
        .unwrap();
    let res = app
        .post_form(&browser(), &path, &new_password(NEW_PASSWORD))
        .await;
    assert_eq!(res.status(), 410);
    assert_eq!(app.count("SELECT COUNT(*) FROM customer_logins").await, 0);
}
