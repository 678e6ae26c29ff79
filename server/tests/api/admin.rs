use crate::helpers::*;

#[tokio::test]
async fn an_admin_creates_a_staff_account_that_can_sign_in() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let res = app
        .call(
            &admin,
            "admin/users/create",
            &[
                ("email", "new.person@example.com"),
                ("name", "New Person"),
                ("role", "manager"),
                ("password", "violet harbor nineteen kites"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let signed_in = app
        .sign_in(
            &browser(),
            "/login",
            "new.person@example.com",
            "violet harbor nineteen kites",
        )
        .await;
    assert_eq!(location(&signed_in), "/dashboard");
}

#[tokio::test]
async fn weak_passwords_and_bad_roles_are_refused_for_new_accounts() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let res = app
        .call(
            &admin,
            "admin/users/create",
            &[
                ("email", "x@example.com"),
                ("name", "X"),
                ("role", "owner"),
                ("password", "password1234"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let text = res.text().await.unwrap();
    assert!(
        text.contains("\"role\"") && text.contains("\"password\""),
        "{text}"
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
    let victim = browser();
    app.sign_in(&victim, "/login", &email, PASSWORD).await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM staff_users WHERE email = $1")
        .bind(&email)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let res = app
        .call(
            &admin,
            "admin/users/update",
            &[
                ("id", &id.to_string()),
                ("role", "associate"),
                ("active", "0"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        victim
            .get(app.url("/dashboard"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
}

#[tokio::test]
async fn an_admin_cannot_demote_themselves() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM staff_users")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let res = app
        .call(
            &admin,
            "admin/users/update",
            &[
                ("id", &id.to_string()),
                ("role", "associate"),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn an_api_token_is_shown_once_works_for_the_api_and_stops_when_revoked() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    assert_eq!(
        app.call(&admin, "admin/tokens/create", &[("name", "Survey tool")])
            .await
            .status(),
        200
    );
    let view: serde_json::Value = app
        .call(&admin, "admin/tokens/list", &[])
        .await
        .json()
        .await
        .unwrap();
    let token = view["revealed"]
        .as_str()
        .expect("the new token is revealed once")
        .to_string();
    let again: serde_json::Value = app
        .call(&admin, "admin/tokens/list", &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(again["revealed"].is_null(), "and only once");
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_ne!(stored, token, "only a hash is stored");

    let api = reqwest::Client::new();
    let ok = api
        .get(app.url("/api/v1/whoami"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.json::<serde_json::Value>().await.unwrap()["token"]["name"],
        "Survey tool"
    );
    assert_eq!(
        api.get(app.url("/api/v1/whoami"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    let id = view["tokens"][0]["id"].as_i64().unwrap().to_string();
    assert_eq!(
        app.call(&admin, "admin/tokens/revoke", &[("id", &id)])
            .await
            .status(),
        200
    );
    assert_eq!(
        api.get(app.url("/api/v1/whoami"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

#[tokio::test]
async fn a_customer_accepts_an_invitation_once_and_reaches_the_portal() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let associate = app.staff_browser("associate").await;
    app.call(
        &associate,
        "customers/create",
        &[
            ("name", "Dana Reyes"),
            ("email", "dana@example.com"),
            ("phone", ""),
            ("external_ref", "c-1001"),
            ("segment", ""),
        ],
    )
    .await;
    assert_eq!(
        app.call(
            &admin,
            "admin/invitations/create",
            &[("customer", "c-1001")]
        )
        .await
        .status(),
        200
    );
    let view: serde_json::Value = app
        .call(&admin, "admin/invitations/list", &[])
        .await
        .json()
        .await
        .unwrap();
    let link = view["revealed_link"].as_str().unwrap().to_string();
    let path = link
        .split_once("/portal/invite/")
        .map(|(_, t)| format!("/portal/invite/{t}"))
        .unwrap();

    let customer = browser();
    assert_eq!(
        customer.get(app.url(&path)).send().await.unwrap().status(),
        200
    );
    let weak = app
        .post_form(
            &customer,
            &path,
            &[("password", "password1234"), ("confirm", "password1234")],
        )
        .await;
    assert!(location(&weak).contains("error=password"));
    let res = app
        .post_form(
            &customer,
            &path,
            &[
                ("password", "violet harbor nineteen kites"),
                ("confirm", "violet harbor nineteen kites"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/portal?flash=welcome");
    let portal = customer.get(app.url("/portal")).send().await.unwrap();
    assert_eq!(portal.status(), 200);
    let reuse = app
        .post_form(
            &browser(),
            &path,
            &[
                ("password", "another long phrase here"),
                ("confirm", "another long phrase here"),
            ],
        )
        .await;
    assert_eq!(reuse.status(), 410, "an invitation works once");
    let relogin = app
        .sign_in(
            &browser(),
            "/portal/login",
            "dana@example.com",
            "violet harbor nineteen kites",
        )
        .await;
    assert_eq!(location(&relogin), "/portal");
}

#[tokio::test]
async fn an_expired_invitation_is_refused() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let associate = app.staff_browser("associate").await;
    app.call(
        &associate,
        "customers/create",
        &[
            ("name", "Mei Chen"),
            ("email", "mei@example.com"),
            ("phone", ""),
            ("external_ref", ""),
            ("segment", ""),
        ],
    )
    .await;
    app.call(
        &admin,
        "admin/invitations/create",
        &[("customer", "mei@example.com")],
    )
    .await;
    let view: serde_json::Value = app
        .call(&admin, "admin/invitations/list", &[])
        .await
        .json()
        .await
        .unwrap();
    let link = view["revealed_link"].as_str().unwrap().to_string();
    let path = format!("/portal/invite/{}", link.rsplit('/').next().unwrap());
    sqlx::query("UPDATE portal_invitations SET expires_at = 0")
        .execute(&app.db)
        .await
        .unwrap();
    let res = app
        .post_form(
            &browser(),
            &path,
            &[
                ("password", "violet harbor nineteen kites"),
                ("confirm", "violet harbor nineteen kites"),
            ],
        )
        .await;
    assert_eq!(res.status(), 410);
    assert_eq!(app.count("SELECT COUNT(*) FROM customer_logins").await, 0);
}
