//! Signals through the JSON API, detection rules, and the notices they send.
use crate::helpers::*;
use reqwest::Client;
use serde_json::{json, Value};

/// Saves a rule as a manager; `extra` overrides form fields.
async fn rule(app: &TestApp, manager: &Client, extra: &[(&str, &str)]) -> reqwest::Response {
    let category: i64 = sqlx::query_scalar(
        "SELECT id FROM incident_categories WHERE name = 'Streaming / playback'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let category = category.to_string();
    let mut form: Vec<(String, String)> = [
        ("name", "Rebuffering"),
        ("signal_kind", "playback.rebuffer_ratio"),
        ("comparison", "gt"),
        ("threshold", "0.05"),
        ("min_count", "1"),
        ("window_minutes", "0"),
        ("category_id", category.as_str()),
        ("severity", "minor"),
        ("recovery", "refund_percent"),
        ("refund_percent", "100"),
        ("cap", "5.00"),
        ("credit", ""),
        ("currency", "USD"),
        ("auto_apply_limit", "5.00"),
        ("notice_subject", "We refunded {subject}"),
        (
            "notice_template",
            "Dear {name}, playback of {subject} was poor, so we refunded {amount}.",
        ),
    ]
    .iter()
    .map(|(k, v)| (format!("form[{k}]"), v.to_string()))
    .collect();
    for (k, v) in extra {
        let key = format!("form[{k}]");
        match form.iter_mut().find(|(fk, _)| *fk == key) {
            Some(entry) => entry.1 = v.to_string(),
            None => form.push((key, v.to_string())),
        }
    }
    form.push(("id".into(), String::new()));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(manager, "rules/save", &pairs).await
}

fn signal(
    key: &str,
    customer: &str,
    subject: &str,
    value: f64,
    stake: Option<&str>,
    at: &str,
) -> Value {
    json!({
        "idempotency_key": key, "kind": "playback.rebuffer_ratio", "customer": customer, "subject": subject,
        "value": value, "unit": "ratio",
        "amount_at_stake": stake.map(|a| json!({"amount": a, "currency": "USD"})),
        "observed_at": at
    })
}

async fn send(app: &TestApp, token: &str, batch: &Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/v1/signals"))
        .bearer_auth(token)
        .json(batch)
        .send()
        .await
        .unwrap()
}

async fn counts(app: &TestApp) -> (i64, i64, i64, i64) {
    (
        app.count("SELECT COUNT(*) FROM signals").await,
        app.count("SELECT COUNT(*) FROM incidents").await,
        app.count("SELECT COUNT(*) FROM recovery_actions").await,
        app.count("SELECT COUNT(*) FROM email_outbox").await,
    )
}

async fn setup() -> (TestApp, Client, String) {
    let app = spawn_app().await;
    let manager = app.staff_browser("manager").await;
    assert_eq!(rule(&app, &manager, &[]).await.status(), 200);
    let token = api_token(&app, "Playback service").await;
    (app, manager, token)
}

#[tokio::test]
async fn a_poor_playback_signal_opens_a_proactive_incident_with_its_refund_and_notice() {
    let (app, _, token) = setup().await;
    let res = send(
        &app,
        &token,
        &json!([signal(
            "src-1",
            "c-1001",
            "rental-987",
            0.18,
            Some("3.99"),
            "2026-11-20T21:14:00Z"
        )]),
    )
    .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let item = &body["items"][0];
    assert_eq!(item["status"], "stored");
    assert_eq!(item["incident"]["action"], "opened");
    let id = item["incident"]["id"].as_i64().unwrap();

    let incident: Value = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/incidents/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(incident["source"], "signal");
    assert_eq!(incident["proactive"], true);
    assert_eq!(incident["status"], "recovering");
    assert_eq!(incident["actions"][0]["kind"], "refund");
    assert_eq!(incident["actions"][0]["status"], "applied");
    assert_eq!(incident["actions"][0]["amount"]["minor"], 399);
    assert_eq!(incident["notices"][0]["subject"], "We refunded rental-987");
    assert_eq!(
        incident["signals"][0]["idempotency_key"], "src-1",
        "the incident records its signals"
    );
    assert!(incident["notices"][0]["body"]
        .as_str()
        .unwrap()
        .contains("refunded 3.99 USD"));
    let by_rule = incident["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"] == "Rule \"Rebuffering\"");
    assert!(
        by_rule,
        "everything the rule did is marked as the rule's: {}",
        incident["timeline"]
    );
    // The customer did not exist: created from the reference.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM customers WHERE external_ref = 'c-1001'")
            .await,
        1
    );
}

#[tokio::test]
async fn re_sending_a_batch_changes_nothing_and_reports_the_incident() {
    let (app, _, token) = setup().await;
    let batch = json!([
        signal(
            "src-1",
            "c-1001",
            "rental-987",
            0.18,
            Some("3.99"),
            "2026-11-20T21:14:00Z"
        ),
        signal(
            "src-2",
            "c-1002",
            "rental-988",
            0.01,
            None,
            "2026-11-20T21:15:00Z"
        ),
    ]);
    let first: Value = send(&app, &token, &batch).await.json().await.unwrap();
    let before = counts(&app).await;
    let second: Value = send(&app, &token, &batch).await.json().await.unwrap();
    assert_eq!(counts(&app).await, before);
    assert_eq!(second["items"][0]["status"], "duplicate");
    assert_eq!(
        second["items"][0]["signal_id"],
        first["items"][0]["signal_id"]
    );
    assert_eq!(
        second["items"][0]["incident"]["id"],
        first["items"][0]["incident"]["id"]
    );
    assert_eq!(
        second["items"][1]["incident"],
        Value::Null,
        "under the threshold: stored, no incident"
    );
    assert_eq!(before.0, 2);
}

#[tokio::test]
async fn further_signals_join_the_open_incident_for_the_same_customer_and_subject() {
    let (app, _, token) = setup().await;
    send(
        &app,
        &token,
        &json!([signal(
            "a",
            "c-1001",
            "rental-987",
            0.2,
            Some("3.99"),
            "2026-11-20T21:00:00Z"
        )]),
    )
    .await;
    let res: Value = send(
        &app,
        &token,
        &json!([
            signal(
                "b",
                "c-1001",
                "rental-987",
                0.3,
                Some("3.99"),
                "2026-11-20T21:05:00Z"
            ),
            signal(
                "c",
                "c-1001",
                "rental-555",
                0.3,
                Some("2.99"),
                "2026-11-20T21:05:00Z"
            ),
        ]),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(res["items"][0]["incident"]["action"], "joined");
    assert_eq!(
        res["items"][1]["incident"]["action"], "opened",
        "another subject is another incident"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM incidents").await, 2);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM recovery_actions").await,
        2,
        "joining does not refund twice"
    );
}

#[tokio::test]
async fn a_rule_with_a_window_waits_for_enough_signals_inside_it() {
    let app = spawn_app().await;
    let manager = app.staff_browser("manager").await;
    assert_eq!(
        rule(
            &app,
            &manager,
            &[("min_count", "3"), ("window_minutes", "10")]
        )
        .await
        .status(),
        200
    );
    let token = api_token(&app, "Playback service").await;
    let at = |m: u32| format!("2026-11-20T21:{m:02}:00Z");
    let r1: Value = send(
        &app,
        &token,
        &json!([
            signal("w1", "c-1", "s", 0.2, None, &at(0)),
            signal("w2", "c-1", "s", 0.2, None, &at(15)),
        ]),
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(r1["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["incident"].is_null()));
    let r2: Value = send(
        &app,
        &token,
        &json!([signal("w3", "c-1", "s", 0.2, None, &at(20))]),
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(
        r2["items"][0]["incident"].is_null(),
        "only two inside the 10 minutes before 21:20"
    );
    let r3: Value = send(
        &app,
        &token,
        &json!([signal("w4", "c-1", "s", 0.2, None, &at(22))]),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(r3["items"][0]["incident"]["action"], "opened");
    let attached = app
        .count("SELECT COUNT(*) FROM signals WHERE incident_id IS NOT NULL")
        .await;
    assert_eq!(
        attached, 4,
        "the incident records the signals that triggered it"
    );
}

#[tokio::test]
async fn a_malformed_batch_is_refused_whole_naming_each_bad_item_and_field() {
    let (app, _, token) = setup().await;
    let mut bad = signal("x2", "c-1", "s", 0.2, None, "not a time");
    bad["amount_at_stake"] = json!({"amount": 3.99, "currency": "USD"});
    let batch =
        json!([signal("x1", "c-1", "s", 0.2, None, "2026-11-20T21:00:00Z"), bad, {"kind": "k"}]);
    let res = send(&app, &token, &batch).await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("2 of 3"));
    let named: Vec<(i64, String)> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["index"].as_i64().unwrap(),
                e["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        named.contains(&(1, "observed_at".into()))
            && named.contains(&(1, "amount_at_stake.amount".into()))
    );
    assert!(named.contains(&(2, "idempotency_key".into())) && named.contains(&(2, "value".into())));
    assert_eq!(app.count("SELECT COUNT(*) FROM signals").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM customers").await, 0);
    for body in ["{not json", "{\"kind\": 1}", "[]"] {
        let res = reqwest::Client::new()
            .post(app.url("/api/v1/signals"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{body}");
    }
}

#[tokio::test]
async fn a_refund_over_the_rules_limit_waits_and_its_notice_goes_out_on_approval() {
    let app = spawn_app().await;
    let manager = app.staff_browser("manager").await;
    rule(&app, &manager, &[("cap", ""), ("auto_apply_limit", "2.00")]).await;
    let token = api_token(&app, "Playback service").await;
    let res: Value = send(
        &app,
        &token,
        &json!([signal(
            "p1",
            "dana@example.com",
            "rental-1",
            0.4,
            Some("3.99"),
            "2026-11-20T21:00:00Z"
        )]),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(res["items"][0]["incident"]["action"], "opened");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM notices").await,
        0,
        "no notice promises an unapproved refund"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM customers WHERE email = 'dana@example.com'")
            .await,
        1
    );
    let queue: Value = app
        .call(&manager, "incidents/approvals", &[])
        .await
        .json()
        .await
        .unwrap();
    let action = queue[0]["action"]["id"].as_i64().unwrap().to_string();
    assert_eq!(
        app.call(
            &manager,
            "incidents/decide",
            &[
                ("action_id", &action),
                ("decision", "approve"),
                ("note", "")
            ]
        )
        .await
        .status(),
        200
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM notices").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox WHERE to_address = 'dana@example.com'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_disabled_rule_opens_nothing() {
    let (app, manager, token) = setup().await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM detection_rules")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        app.call(
            &manager,
            "rules/enable",
            &[("id", &id.to_string()), ("enabled", "0")]
        )
        .await
        .status(),
        200
    );
    let res: Value = send(
        &app,
        &token,
        &json!([signal("d1", "c-1", "s", 0.9, None, "2026-11-20T21:00:00Z")]),
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(res["items"][0]["incident"].is_null());
}

#[tokio::test]
async fn the_api_refuses_missing_wrong_and_revoked_tokens() {
    let (app, _, token) = setup().await;
    let batch = json!([signal("t1", "c-1", "s", 0.9, None, "2026-11-20T21:00:00Z")]);
    let client = reqwest::Client::new();
    assert_eq!(
        client
            .post(app.url("/api/v1/signals"))
            .json(&batch)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        client
            .post(app.url("/api/v1/signals"))
            .bearer_auth("em_not-a-token")
            .json(&batch)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    sqlx::query("UPDATE api_tokens SET revoked_at = 1")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(send(&app, &token, &batch).await.status(), 401);
    assert_eq!(
        client
            .get(app.url("/api/v1/incidents"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM signals").await, 0);
}

#[tokio::test]
async fn the_incidents_api_filters_and_pages_like_the_list() {
    let (app, _, token) = setup().await;
    send(
        &app,
        &token,
        &json!([
            signal("l1", "c-1", "s1", 0.9, Some("1.00"), "2026-11-20T21:00:00Z"),
            signal("l2", "c-2", "s2", 0.9, Some("1.00"), "2026-11-20T21:00:00Z"),
        ]),
    )
    .await;
    let client = reqwest::Client::new();
    let get = |query: &str| {
        client
            .get(app.url(&format!("/api/v1/incidents{query}")))
            .bearer_auth(&token)
            .send()
    };
    let all: Value = get("").await.unwrap().json().await.unwrap();
    assert_eq!(all["total"], 2);
    let signals: Value = get("?source=signal&status=recovering")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(signals["total"], 2);
    let proactive: Value = get("?proactive=true").await.unwrap().json().await.unwrap();
    assert_eq!(proactive["total"], 2);
    let none: Value = get("?status=resolved").await.unwrap().json().await.unwrap();
    assert_eq!(none["total"], 0);
    assert_eq!(get("?status=lost").await.unwrap().status(), 400);
    assert_eq!(get("?page=x").await.unwrap().status(), 400);
    assert_eq!(get("?week=2026-W99").await.unwrap().status(), 400);
    assert_eq!(
        client
            .get(app.url("/api/v1/incidents/424242"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let app = spawn_app().await;
    let doc: Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/signals",
        "/api/v1/incidents",
        "/api/v1/incidents/{id}",
        "/api/v1/whoami",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc["components"]["schemas"]["SignalIn"].is_object());
    assert!(doc["paths"]["/api/v1/signals"]["post"]["responses"]["400"].is_object());
}

#[tokio::test]
async fn rules_are_validated_and_tried_without_saving() {
    let app = spawn_app().await;
    let manager = app.staff_browser("manager").await;
    let bad = rule(
        &app,
        &manager,
        &[("threshold", "high"), ("recovery", "gift")],
    )
    .await;
    assert_eq!(bad.status(), 422);
    assert_eq!(app.count("SELECT COUNT(*) FROM detection_rules").await, 0);
    let category: i64 = sqlx::query_scalar("SELECT id FROM incident_categories LIMIT 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let category = category.to_string();
    let mut form: Vec<(String, String)> = [
        ("name", "T"),
        ("signal_kind", "k"),
        ("comparison", "gte"),
        ("threshold", "5"),
        ("category_id", category.as_str()),
        ("severity", "major"),
        ("recovery", "refund_percent"),
        ("refund_percent", "50"),
        ("cap", "1.50"),
        ("auto_apply_limit", "1.00"),
        ("notice_subject", "S"),
        ("notice_template", "Hi {name}: {amount}"),
    ]
    .iter()
    .map(|(k, v)| (format!("form[{k}]"), v.to_string()))
    .collect();
    form.extend([
        ("sample_kind".into(), String::new()),
        ("sample_value".into(), "7".into()),
        ("sample_amount".into(), "4.00".into()),
    ]);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let outcome: Value = app
        .call(&manager, "rules/try", &pairs)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(outcome["matches"], true);
    assert_eq!(outcome["proposal"]["amount"]["minor"], 150);
    assert_eq!(outcome["proposal"]["automatic"], false);
    assert_eq!(outcome["notice_body"], "Hi Dana Reyes: 1.50 USD");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM detection_rules").await,
        0,
        "trying saves nothing"
    );
}

#[tokio::test]
async fn notices_are_delivered_by_smtp_once() {
    let (smtp, sink) = crate::smtp_sink::start(false).await;
    let app = spawn_app_with_smtp(|_| {}, Some(smtp)).await;
    let manager = app.staff_browser("manager").await;
    rule(&app, &manager, &[]).await;
    let token = api_token(&app, "Playback service").await;
    send(
        &app,
        &token,
        &json!([signal(
            "m1",
            "mei@example.com",
            "rental-9",
            0.3,
            Some("3.99"),
            "2026-11-20T21:00:00Z"
        )]),
    )
    .await;
    for _ in 0..50 {
        if app
            .count("SELECT COUNT(*) FROM email_outbox WHERE status = 'sent'")
            .await
            == 1
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox WHERE status = 'sent' AND attempts = 1")
            .await,
        1
    );
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let messages = sink.messages.lock().unwrap().clone();
    assert_eq!(messages.len(), 1, "sent once, never twice");
    assert!(
        messages[0].contains("To: mei@example.com") && messages[0].contains("We refunded rental-9")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_attempts WHERE outcome = 'sent'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_refused_notice_stays_queued_for_a_later_retry_with_the_error_logged() {
    let (smtp, sink) = crate::smtp_sink::start(true).await;
    let app = spawn_app_with_smtp(|_| {}, Some(smtp)).await;
    let manager = app.staff_browser("manager").await;
    rule(&app, &manager, &[]).await;
    let token = api_token(&app, "Playback service").await;
    send(
        &app,
        &token,
        &json!([signal(
            "f1",
            "mei@example.com",
            "rental-9",
            0.3,
            Some("3.99"),
            "2026-11-20T21:00:00Z"
        )]),
    )
    .await;
    for _ in 0..50 {
        if app.count("SELECT COUNT(*) FROM email_attempts").await >= 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (status, attempts, error, next): (String, i64, Option<String>, i64) =
        sqlx::query_as("SELECT status, attempts, last_error, next_attempt_at FROM email_outbox")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("queued", 1));
    assert!(error.unwrap().contains("try again later"));
    assert!(next > app::db::now_ms() + 20_000, "the retry waits");
    assert!(sink.messages.lock().unwrap().is_empty());
}
