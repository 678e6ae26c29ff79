//! Two-factor authentication for staff: enrolment, sign-in with a code and with a recovery code,
//! throttled codes, an admin's reset, and the organisation's requirement for managers and admins.
use crate::helpers::*;
use app::accounts::second_factor::code_at;
use reqwest::Client;
use serde_json::Value;

fn now_secs() -> u64 {
    (app::db::now_ms() / 1000) as u64
}

/// Sets up a second factor for the signed-in `client`; returns the secret and recovery codes.
async fn enrol(app: &TestApp, client: &Client) -> (String, Vec<String>) {
    assert_eq!(
        app.call(client, "account/two-factor/begin", &[])
            .await
            .status(),
        200
    );
    let status: Value = app.call_json(client, "account/two-factor", &[]).await;
    let secret = status["pending"]["secret"].as_str().unwrap().to_string();
    assert!(status["pending"]["qr"]
        .as_str()
        .unwrap()
        .starts_with("data:image/svg+xml;base64,"));
    let missing = app
        .call(client, "account/two-factor/confirm", &[("code", "000000")])
        .await;
    assert_eq!(
        missing.status(),
        400,
        "a form without the password cannot be read"
    );
    let wrong = app
        .call(
            client,
            "account/two-factor/confirm",
            &[("code", "000000"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let code = code_at(&secret, now_secs()).unwrap();
    let borrowed = app
        .call(
            client,
            "account/two-factor/confirm",
            &[("code", &code), ("password", "not the password")],
        )
        .await;
    assert_eq!(borrowed.status(), 422, "the password is asked again");
    let ok = app
        .call(
            client,
            "account/two-factor/confirm",
            &[("code", &code), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(ok.status(), 200);
    let status: Value = app.call_json(client, "account/two-factor", &[]).await;
    assert_eq!(status["enabled"], true);
    let codes: Vec<String> = status["new_recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 10);
    let again: Value = app.call_json(client, "account/two-factor", &[]).await;
    assert!(
        again["new_recovery_codes"].as_array().unwrap().is_empty(),
        "shown once"
    );
    (secret, codes)
}

/// Signs in with the password; returns the browser holding the second-factor challenge.
async fn password_step(app: &TestApp, email: &str) -> Client {
    let client = browser();
    let res = app.sign_in(&client, "/login", email, PASSWORD).await;
    assert_eq!(location(&res), "/login/verify");
    assert!(
        session_cookie(&res).is_none(),
        "no session before the second factor"
    );
    client
}

async fn code_step(app: &TestApp, client: &Client, code: &str) -> reqwest::Response {
    app.post_form(client, "/login/verify", &[("code", code)])
        .await
}

#[tokio::test]
async fn a_staff_member_enrols_and_signs_in_with_a_code_and_with_a_recovery_code() {
    let app = spawn_app().await;
    let email = app.staff("manager").await;
    let first = app.signed_in_as(&email).await;
    let (secret, codes) = enrol(&app, &first).await;

    let successes = "SELECT COUNT(*) FROM audit_log WHERE action = 'signin.success'";
    let before = app.count(successes).await;
    let client = password_step(&app, &email).await;
    assert_eq!(
        app.count(successes).await,
        before,
        "a right password alone is no sign-in"
    );
    assert!(app.get(&client, "/dashboard").await.status() == 303);
    let wrong = code_step(&app, &client, "123456").await;
    assert_eq!(location(&wrong), "/login/verify?error=code");
    // The code of the next step: the current one was used up by the enrolment.
    let code = code_at(&secret, now_secs() + 30).unwrap();
    let ok = code_step(&app, &client, &code).await;
    assert_eq!(location(&ok), "/dashboard");
    assert!(session_cookie(&ok).is_some());
    assert_eq!(app.count(successes).await, before + 1);
    assert_eq!(app.get(&client, "/dashboard").await.status(), 200);

    let replay = password_step(&app, &email).await;
    assert_eq!(
        location(&code_step(&app, &replay, &code).await),
        "/login/verify?error=code",
        "a code works once"
    );
    let ok = code_step(&app, &replay, &codes[0].to_uppercase()).await;
    assert_eq!(
        location(&ok),
        "/dashboard",
        "a recovery code, however it is typed"
    );
    let again = password_step(&app, &email).await;
    assert_eq!(
        location(&code_step(&app, &again, &codes[0]).await),
        "/login/verify?error=code",
        "a recovery code works once"
    );
    let status: Value = app.call_json(&first, "account/two-factor", &[]).await;
    assert_eq!(status["recovery_codes_left"], 9);
}

#[tokio::test]
async fn wrong_codes_are_throttled_and_a_challenge_without_its_cookie_goes_nowhere() {
    let app = spawn_app().await;
    let email = app.staff("admin").await;
    let first = app.signed_in_as(&email).await;
    let (secret, _) = enrol(&app, &first).await;
    let client = password_step(&app, &email).await;
    for _ in 0..5 {
        assert_eq!(
            location(&code_step(&app, &client, "000000").await),
            "/login/verify?error=code"
        );
    }
    let code = code_at(&secret, now_secs() + 30).unwrap();
    assert_eq!(
        code_step(&app, &client, &code).await.status(),
        429,
        "even the right code waits"
    );
    let stranger = code_step(&app, &browser(), &code).await;
    assert_eq!(location(&stranger), "/login?error=expired");
}

#[tokio::test]
async fn an_admin_removes_a_lost_second_factor_and_it_can_be_switched_off_with_the_password() {
    let app = spawn_app().await;
    let email = app.staff("associate").await;
    let id = app.staff_id(&email).await;
    let first = app.signed_in_as(&email).await;
    enrol(&app, &first).await;
    let admin = app.staff_browser("admin").await;
    let users: Value = app.call_json(&admin, "admin/users/list", &[]).await;
    let row = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id)
        .unwrap();
    assert_eq!(row["two_factor"], true);
    assert_eq!(
        app.call(
            &admin,
            "admin/users/reset-two-factor",
            &[("id", &id.to_string())]
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        app.get(&first, "/dashboard").await.status(),
        303,
        "their sessions end"
    );
    let res = app.sign_in_leads_to("/login", &email, PASSWORD).await;
    assert_eq!(res, "/dashboard", "the password alone again");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'second_factor.reset'")
            .await,
        1
    );

    let again = app.signed_in_as(&email).await;
    enrol(&app, &again).await;
    let wrong = app
        .call(
            &again,
            "account/two-factor/disable",
            &[("password", "not my password")],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let off = app
        .call(
            &again,
            "account/two-factor/disable",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(off.status(), 200);
    assert_eq!(
        app.sign_in_leads_to("/login", &email, PASSWORD).await,
        "/dashboard"
    );
}

#[tokio::test]
async fn when_required_managers_without_a_second_factor_can_only_set_one_up() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    assert_eq!(
        app.call(
            &admin,
            "admin/users/require-two-factor",
            &[("required", "1")]
        )
        .await
        .status(),
        200
    );
    let manager = app.staff_browser("manager").await;
    let page = app.get(&manager, "/incidents").await;
    assert_eq!(
        location(&page),
        "/account?flash=two-factor-required#two-factor"
    );
    assert_eq!(app.get(&manager, "/account").await.status(), 200);
    let list = app.call(&manager, "incidents/approvals", &[]).await;
    assert_eq!(list.status(), 403);
    let upload = app
        .post_form(&manager, "/customers/import", &[("kind", "orders")])
        .await;
    assert_eq!(upload.status(), 403, "form posts to staff routes wait too");
    let status: Value = app.call_json(&manager, "account/two-factor", &[]).await;
    assert_eq!(status["required"], true);
    enrol(&app, &manager).await;
    assert_eq!(
        app.call(&manager, "incidents/approvals", &[])
            .await
            .status(),
        200
    );
    assert_eq!(app.get(&manager, "/incidents").await.status(), 200);
    let associate = app.staff_browser("associate").await;
    assert_eq!(
        app.get(&associate, "/incidents").await.status(),
        200,
        "associates are not asked"
    );
}
