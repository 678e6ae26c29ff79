//! The `extramile` binary's account and token commands, run against the test database.
use crate::helpers::*;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn extramile(app: &TestApp, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_extramile"))
        .args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("EXTRAMILE_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run extramile");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Fails the test with the command's own message unless it succeeded.
fn succeeded(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `user add` for a new manager, the password read from stdin.
const ADD_MANAGER: [&str; 9] = [
    "user",
    "add",
    "--email",
    "kim@example.com",
    "--name",
    "Kim Ito",
    "--role",
    "manager",
    "--password-stdin",
];

/// `user add` giving the customer with `reference` a portal login as `email`.
fn add_portal_login<'a>(email: &'a str, name: &'a str, reference: &'a str) -> [&'a str; 11] {
    [
        "user",
        "add",
        "--email",
        email,
        "--name",
        name,
        "--role",
        "customer",
        "--customer",
        reference,
        "--password-stdin",
    ]
}

#[tokio::test]
async fn token_create_prints_a_token_once_that_the_api_accepts() {
    let app = spawn_app().await;
    let out = extramile(&app, &["token", "create", "--name", "Survey tool"], "");
    succeeded(&out);
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(token.starts_with("em_"));
    assert_eq!(app.api_get(&token, "/api/v1/whoami").await.status(), 200);
}

#[tokio::test]
async fn user_add_reads_the_password_from_stdin_and_the_account_signs_in() {
    let app = spawn_app().await;
    let out = extramile(&app, &ADD_MANAGER, &format!("{NEW_PASSWORD}\n"));
    succeeded(&out);
    let res = app
        .sign_in_leads_to("/login", "kim@example.com", NEW_PASSWORD)
        .await;
    assert_eq!(res, "/dashboard");
}

#[tokio::test]
async fn user_add_refuses_a_weak_password_with_a_clear_message() {
    let app = spawn_app().await;
    let out = extramile(&app, &ADD_MANAGER, "password1234\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password"));
    assert_eq!(app.count("SELECT COUNT(*) FROM staff_users").await, 0);
}

#[tokio::test]
async fn user_add_with_role_customer_gives_an_existing_customer_portal_access() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    customer(&app, &associate, "Dana Reyes", "c-1001").await;
    let args = add_portal_login("c-1001@example.com", "Dana Reyes", "c-1001");
    let out = extramile(&app, &args, NEW_PASSWORD);
    succeeded(&out);
    let res = app
        .sign_in_leads_to("/portal/login", "c-1001@example.com", NEW_PASSWORD)
        .await;
    assert_eq!(res, "/portal");
    let args = add_portal_login("x@example.com", "X", "c-9999");
    let unknown = extramile(&app, &args, NEW_PASSWORD);
    assert!(!unknown.status.success());
}

#[tokio::test]
async fn generate_fills_an_empty_database_that_the_report_then_reads() {
    let app = spawn_app().await;
    let out = extramile(&app, &["generate", "--customers", "3000"], "");
    succeeded(&out);
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(said.starts_with("Generated 3000 customers and "), "{said}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("generate: 3000 of 3000 customers"));
    assert_eq!(app.count("SELECT COUNT(*) FROM customers").await, 3000);
    let events = app
        .count(
            "SELECT (SELECT COUNT(*) FROM orders) + (SELECT COUNT(*) FROM feedback)
                  + (SELECT COUNT(*) FROM signals) + (SELECT COUNT(*) FROM incidents)
                  + (SELECT COUNT(*) FROM follow_ups) + (SELECT COUNT(*) FROM referrals)
                  + (SELECT COUNT(*) FROM stories)",
        )
        .await;
    assert!(
        (7 * 3000..14 * 3000).contains(&events),
        "about ten events per customer, got {events}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM customers WHERE loyalty_segment IS NULL")
            .await,
        0,
        "every generated customer has a score"
    );
    assert!(
        app.count("SELECT COUNT(*) FROM incidents WHERE proactive = 1")
            .await
            > 0
    );
    let token = api_token(&app, "Bench").await;
    let report: serde_json::Value =
        ok_json(app.api_get(&token, "/api/v1/reports/weekly").await).await;
    let opened = figure(&report, "incidents_opened");
    assert!(opened["value"].as_f64().unwrap() > 0.0, "{opened}");
    // The generator plants an effect (credits within the hour bring customers back far more
    // often); the playbook finds it and ranks that approach first.
    let book: serde_json::Value = ok_json(app.api_get(&token, "/api/v1/playbook").await).await;
    assert_eq!(
        book["approaches"][0]["key"], "credit:under_hour",
        "{:#}",
        book["approaches"]
    );
    assert!(book["cases"].as_i64().unwrap() > 300, "{}", book["cases"]);

    let again = extramile(&app, &["generate", "--customers", "10"], "");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds 3000 customers"));
}
