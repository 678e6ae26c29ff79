//! Sign-in under attack: attempts are counted before they are judged, password checks are
//! bounded, and an attacker elsewhere cannot lock an account's owner out of their usual address.
use crate::helpers::*;
use futures::future::join_all;

/// A sign-in from a fresh browser, through a proxy that says it came `from` where given.
async fn attempt(
    app: &TestApp,
    email: &str,
    password: &str,
    from: Option<&str>,
) -> reqwest::Response {
    let mut req = browser()
        .post(app.url("/login"))
        .form(&[("email", email), ("password", password)]);
    if let Some(ip) = from {
        req = req.header("x-forwarded-for", ip);
    }
    req.send().await.unwrap()
}

async fn wrong_attempt(app: &TestApp, email: &str, from: Option<&str>) -> reqwest::Response {
    attempt(app, email, "not the password at all", from).await
}

#[tokio::test]
async fn two_hundred_parallel_wrong_passwords_verify_at_most_the_limit() {
    let app = spawn_app().await;
    let email = app.staff("admin").await;
    let answers = join_all((0..200).map(|_| wrong_attempt(&app, &email, None))).await;
    let refused: Vec<&reqwest::Response> = answers.iter().filter(|r| r.status() == 429).collect();
    let judged = answers.iter().filter(|r| r.status() == 303).count();
    assert_eq!(refused.len() + judged, 200, "only refusals and redirects");
    assert_eq!(
        judged, 5,
        "the first five are judged, the rest refused unverified"
    );
    let failures = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'signin.failure'")
        .await;
    assert_eq!(
        failures, 5,
        "every judged attempt, and only those, checked a password"
    );
    let retry: i64 = refused[0].headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry), "Retry-After {retry}");
    let throttled = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'signin.throttled'")
        .await;
    assert_eq!(
        throttled, 1,
        "refusals are recorded once per window, not once each"
    );
}

#[tokio::test]
async fn an_attacker_elsewhere_cannot_lock_the_owner_out_of_their_usual_address() {
    let app = spawn_app_with(|s| {
        s.trusted_proxies = 1;
        s.signin_limit_per_account_address = 2;
        s.signin_limit_per_account = 6;
    })
    .await;
    let email = app.staff("admin").await;
    let owner = Some("198.51.100.7");
    let signed_in = attempt(&app, &email, PASSWORD, owner).await;
    assert_eq!(location(&signed_in), "/dashboard");

    // Ten addresses, two guesses each: the account sees 20 attempts from strangers.
    let addresses: Vec<String> = (1..=10).map(|i| format!("203.0.113.{i}")).collect();
    join_all(
        addresses
            .iter()
            .flat_map(|ip| [ip.clone(), ip.clone()])
            .map(|ip| {
                let (app, email) = (&app, &email);
                async move { wrong_attempt(app, email, Some(&ip)).await }
            }),
    )
    .await;
    let stranger = wrong_attempt(&app, &email, Some("203.0.113.99")).await;
    assert_eq!(
        stranger.status(),
        429,
        "a new address is refused once the account is under attack"
    );

    let again = attempt(&app, &email, PASSWORD, owner).await;
    assert_eq!(
        location(&again),
        "/dashboard",
        "the owner's usual address still works"
    );
}

#[tokio::test]
async fn the_client_address_is_taken_from_the_right_of_x_forwarded_for() {
    let app = spawn_app_with(|s| s.trusted_proxies = 1).await;
    wrong_attempt(&app, "nobody@example.com", Some("6.6.6.6, 192.0.2.10")).await;
    let (ip,): (String,) = app
        .row("SELECT ip FROM audit_log WHERE action = 'signin.failure'")
        .await;
    assert_eq!(
        ip, "192.0.2.10",
        "the left-most entry is the client's own claim"
    );
}

#[tokio::test]
async fn without_trusted_proxies_x_forwarded_for_is_ignored() {
    let app = spawn_app().await;
    wrong_attempt(&app, "nobody@example.com", Some("6.6.6.6")).await;
    let (ip,): (String,) = app
        .row("SELECT ip FROM audit_log WHERE action = 'signin.failure'")
        .await;
    assert_eq!(ip, "127.0.0.1");
}

#[tokio::test]
async fn a_throttled_attempt_names_at_most_254_characters_of_email() {
    let app = spawn_app_with(|s| s.signin_limit_per_ip = 1).await;
    let long = format!("{}@example.com", "x".repeat(5000));
    wrong_attempt(&app, &long, None).await;
    wrong_attempt(&app, &long, None).await;
    let longest: i64 = app
        .count("SELECT CAST(MAX(LENGTH(actor_label)) AS BIGINT) FROM audit_log")
        .await;
    assert!(longest <= 254, "{longest}");
    let key: i64 = app
        .count("SELECT CAST(MAX(LENGTH(key)) AS BIGINT) FROM signin_throttle")
        .await;
    assert!(key < 300, "{key}");
}

#[tokio::test]
async fn sign_in_never_follows_next_to_another_origin() {
    let app = spawn_app().await;
    let email = app.staff("associate").await;
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\u{1}x",
        "/\\evil.example",
        "/caf\u{e9}",
    ] {
        let res = app
            .post_form(
                &browser(),
                "/login",
                &[("email", &email), ("password", PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(res.status(), 303, "{next:?}");
        assert_eq!(location(&res), "/dashboard", "{next:?}");
    }
    let bad = app
        .post_form(
            &browser(),
            "/login",
            &[
                ("email", "x@example.com"),
                ("password", "wrong guess here"),
                ("next", "/\u{1}x"),
            ],
        )
        .await;
    assert_eq!(
        bad.status(),
        303,
        "a failed sign-in with a bad next is no 500"
    );
}
