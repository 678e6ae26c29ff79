//! Recovery money that cannot walk around its approval limit: counted per incident across every
//! kind and piece, per currency, and approved by someone other than its proposer.
use crate::helpers::*;
use futures::future::join_all;
use reqwest::Client;
use serde_json::Value;

async fn incident(app: &TestApp, client: &Client, reference: &str) -> i64 {
    customer(app, client, "Dana Reyes", reference).await;
    log_incident(app, client, reference, "complaint").await
}

/// What became of a recovery action: "applied" or "pending".
async fn status_of(res: reqwest::Response) -> String {
    ok_json(res).await
}

#[tokio::test]
async fn six_small_refunds_cannot_pass_the_limit_that_one_large_one_waits_for() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    let id = incident(&app, &associate, "c-1").await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            status_of(recovery_action(&app, &associate, id, "refund", "50.00", "USD").await).await,
        );
    }
    assert_eq!(
        statuses,
        ["applied", "pending", "pending", "pending", "pending", "pending"]
    );
}

#[tokio::test]
async fn every_kind_with_an_amount_counts_toward_the_limit() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    let id = incident(&app, &associate, "c-2").await;
    assert_eq!(
        status_of(recovery_action(&app, &associate, id, "credit", "30.00", "USD").await).await,
        "applied"
    );
    assert_eq!(
        status_of(recovery_action(&app, &associate, id, "replacement", "30.00", "USD").await).await,
        "pending"
    );
    assert_eq!(
        status_of(recovery_action(&app, &associate, id, "other", "80.00", "USD").await).await,
        "pending"
    );
    assert_eq!(
        status_of(recovery_action(&app, &associate, id, "apology", "", "").await).await,
        "applied"
    );
}

#[tokio::test]
async fn parallel_pieces_of_one_refund_pass_the_limit_at_most_once() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    let id = incident(&app, &associate, "c-3").await;
    let answers =
        join_all((0..8).map(|_| recovery_action(&app, &associate, id, "refund", "30.00", "USD")))
            .await;
    let mut applied = 0;
    for res in answers {
        if status_of(res).await == "applied" {
            applied += 1;
        }
    }
    assert_eq!(applied, 1, "30 + 30 is over 50: only one piece applies");
}

#[tokio::test]
async fn amounts_in_a_currency_without_a_limit_or_outside_iso_4217_never_apply_at_once() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    let id = incident(&app, &associate, "c-4").await;
    assert_eq!(
        recovery_action(&app, &associate, id, "refund", "49.99", "XAU")
            .await
            .status(),
        422
    );
    assert_eq!(
        recovery_action(&app, &associate, id, "refund", "10.5", "JPY")
            .await
            .status(),
        422
    );
    assert_eq!(
        recovery_action(&app, &associate, id, "refund", "1.999", "USD")
            .await
            .status(),
        422
    );
    assert_eq!(
        status_of(recovery_action(&app, &associate, id, "refund", "1.00", "EUR").await).await,
        "pending"
    );
    let stored = app.count("SELECT COUNT(*) FROM recovery_actions").await;
    assert_eq!(stored, 1, "refused amounts change nothing");
}

#[tokio::test]
async fn limits_per_currency_are_kept_and_amounts_in_two_currencies_are_never_added() {
    let app = spawn_app().await;
    let manager = app.staff_browser("manager").await;
    let mut form = incident_settings(&[
        ("approval_limit", "50.00"),
        ("currency", "usd"),
        ("other_limits", "EUR 45.00, JPY 7000"),
    ]);
    assert_eq!(
        app.call(&manager, "incidents/settings/save", &form)
            .await
            .status(),
        200
    );
    let settings: Value = app.call_json(&manager, "incidents/settings", &[]).await;
    assert_eq!(settings["approvals"]["currency"], "USD");
    assert_eq!(settings["approvals"]["limits"][1]["currency"], "EUR");
    assert_eq!(settings["approvals"]["limits"][2]["minor"], 7000);

    let associate = app.staff_browser("associate").await;
    let id = incident(&app, &associate, "c-5").await;
    assert_eq!(
        status_of(recovery_action(&app, &associate, id, "refund", "6000", "JPY").await).await,
        "applied"
    );
    assert_eq!(
        status_of(recovery_action(&app, &associate, id, "refund", "5.00", "USD").await).await,
        "pending",
        "beside yen, dollars cannot be compared with a limit"
    );
    form[2] = ("other_limits", "XAU 10");
    assert_eq!(
        app.call(&manager, "incidents/settings/save", &form)
            .await
            .status(),
        422
    );
}

#[tokio::test]
async fn the_proposer_of_a_recovery_cannot_approve_it_unless_the_organisation_allows() {
    let app = spawn_app().await;
    let manager = app.staff_browser("manager").await;
    let id = incident(&app, &manager, "c-6").await;
    assert_eq!(
        status_of(recovery_action(&app, &manager, id, "refund", "500.00", "USD").await).await,
        "pending"
    );
    let action: i64 = app.count("SELECT MAX(id) FROM recovery_actions").await;
    let own = decide(&app, &manager, action, "approve", "").await;
    assert_eq!(own.status(), 409, "four eyes");
    let other = app.staff_browser("manager").await;
    let res = decide(&app, &other, action, "approve", "").await;
    assert_eq!(res.status(), 200);

    let admin = app.staff_browser("admin").await;
    let form = incident_settings(&[
        ("approval_limit", "50.00"),
        ("currency", "USD"),
        ("other_limits", ""),
        ("allow_self_approval", "on"),
    ]);
    assert_eq!(
        app.call(&admin, "incidents/settings/save", &form)
            .await
            .status(),
        200
    );
    assert_eq!(
        status_of(recovery_action(&app, &manager, id, "refund", "70.00", "USD").await).await,
        "pending"
    );
    let action: i64 = app.count("SELECT MAX(id) FROM recovery_actions").await;
    let res = decide(&app, &manager, action, "approve", "").await;
    assert_eq!(
        res.status(),
        200,
        "a one-manager organisation may approve its own"
    );
    let recorded = app
        .count("SELECT COUNT(*) FROM incident_events WHERE message LIKE '%by the person who proposed it%'")
        .await;
    assert_eq!(recorded, 1, "the self-approval is recorded");
}

#[tokio::test]
async fn only_an_admin_may_let_proposers_approve_their_own_recoveries() {
    let app = spawn_app().await;
    let manager = app.staff_browser("manager").await;
    let form = incident_settings(&[
        ("approval_limit", "50.00"),
        ("currency", "USD"),
        ("allow_self_approval", "on"),
    ]);
    assert_eq!(
        app.call(&manager, "incidents/settings/save", &form)
            .await
            .status(),
        422
    );
    let rules: Value = app.call_json(&manager, "incidents/settings", &[]).await;
    assert_eq!(rules["approvals"]["allow_self_approval"], false);
}

#[tokio::test]
async fn two_managers_deciding_one_recovery_at_once_decide_it_once() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    let id = incident(&app, &associate, "c-7").await;
    assert_eq!(
        status_of(recovery_action(&app, &associate, id, "refund", "400.00", "USD").await).await,
        "pending"
    );
    let action = app.count("SELECT MAX(id) FROM recovery_actions").await;
    let (first, second) = (
        app.staff_browser("manager").await,
        app.staff_browser("manager").await,
    );
    let (a, b) = tokio::join!(
        decide(&app, &first, action, "approve", ""),
        decide(&app, &second, action, "decline", "Too much"),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let decisions = app
        .count("SELECT COUNT(*) FROM incident_events WHERE kind IN ('approved', 'declined')")
        .await;
    assert_eq!(decisions, 1, "one decision on the timeline");
}
