//! Signals through the JSON API, detection rules, and the notices they send.
use crate::helpers::*;
use crate::smtp_sink::Sink;
use reqwest::Client;
use serde_json::{json, Value};
use std::time::Duration;

/// Saves a rule as a manager; `extra` overrides form fields.
async fn rule(app: &TestApp, manager: &Client, extra: &[(&str, &str)]) -> reqwest::Response {
    let category = app.category_id("Streaming / playback").await.to_string();
    let defaults = [
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
    ];
    let mut form = editor_form(&with_fields(&defaults, extra));
    form.push(("id".into(), String::new()));
    app.call_owned(manager, "rules/save", &form).await
}

/// Rule fields as the rule editor posts them, each named `form[…]`.
fn editor_form(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| (format!("form[{k}]"), v.to_string()))
        .collect()
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

/// Where the API takes signals.
const SIGNALS: &str = "/api/v1/signals";

/// Sends a batch of signals, which must be accepted; the API's answer.
async fn send(app: &TestApp, token: &str, batch: &Value) -> Value {
    ok_json(app.api_post(token, SIGNALS, batch).await).await
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
    let batch = json!([signal(
        "src-1",
        "c-1001",
        "rental-987",
        0.18,
        Some("3.99"),
        "2026-11-20T21:14:00Z"
    )]);
    let body = send(&app, &token, &batch).await;
    let item = &body["items"][0];
    assert_eq!(item["status"], "stored");
    assert_eq!(item["incident"]["action"], "opened");
    let id = item["incident"]["id"].as_i64().unwrap();

    let incident: Value = ok_json(
        app.api_get(&token, &format!("/api/v1/incidents/{id}"))
            .await,
    )
    .await;
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
    let first = send(&app, &token, &batch).await;
    let before = counts(&app).await;
    let second = send(&app, &token, &batch).await;
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
    let res = send(
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
    .await;
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
    let r1 = send(
        &app,
        &token,
        &json!([
            signal("w1", "c-1", "s", 0.2, None, &at(0)),
            signal("w2", "c-1", "s", 0.2, None, &at(15)),
        ]),
    )
    .await;
    assert!(r1["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["incident"].is_null()));
    let r2 = send(
        &app,
        &token,
        &json!([signal("w3", "c-1", "s", 0.2, None, &at(20))]),
    )
    .await;
    assert!(
        r2["items"][0]["incident"].is_null(),
        "only two inside the 10 minutes before 21:20"
    );
    let r3 = send(
        &app,
        &token,
        &json!([signal("w4", "c-1", "s", 0.2, None, &at(22))]),
    )
    .await;
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
    let res = app.api_post(&token, SIGNALS, &batch).await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("2 of 3"));
    let named = item_errors(&body);
    assert!(
        named.contains(&(1, "observed_at".into()))
            && named.contains(&(1, "amount_at_stake.amount".into()))
    );
    assert!(named.contains(&(2, "idempotency_key".into())) && named.contains(&(2, "value".into())));
    assert_eq!(app.count("SELECT COUNT(*) FROM signals").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM customers").await, 0);
    for body in ["{not json", "{\"kind\": 1}", "[]"] {
        let res = reqwest::Client::new()
            .post(app.url(SIGNALS))
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
    let res = send(
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
    .await;
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
    let queue: Value = app.call_json(&manager, "incidents/approvals", &[]).await;
    let action = queue[0]["action"]["id"].as_i64().unwrap();
    let approved = decide(&app, &manager, action, "approve", "").await;
    assert_eq!(approved.status(), 200);
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
    let res = send(
        &app,
        &token,
        &json!([signal("d1", "c-1", "s", 0.9, None, "2026-11-20T21:00:00Z")]),
    )
    .await;
    assert!(res["items"][0]["incident"].is_null());
}

#[tokio::test]
async fn the_api_refuses_missing_wrong_and_revoked_tokens() {
    let (app, _, token) = setup().await;
    let batch = json!([signal("t1", "c-1", "s", 0.9, None, "2026-11-20T21:00:00Z")]);
    let without_token = reqwest::Client::new()
        .post(app.url(SIGNALS))
        .json(&batch)
        .send()
        .await
        .unwrap();
    assert_eq!(without_token.status(), 401);
    assert_eq!(
        app.api_post("em_not-a-token", SIGNALS, &batch)
            .await
            .status(),
        401
    );
    sqlx::query("UPDATE api_tokens SET revoked_at = 1")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(app.api_post(&token, SIGNALS, &batch).await.status(), 401);
    assert_eq!(app.api_get(&token, "/api/v1/incidents").await.status(), 401);
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
    let get = |query: &'static str| {
        let (app, token) = (&app, &token);
        async move {
            app.api_get(token, &format!("/api/v1/incidents{query}"))
                .await
        }
    };
    for (query, total) in [
        ("", 2),
        ("?source=signal&status=recovering", 2),
        ("?proactive=true", 2),
        ("?status=resolved", 0),
    ] {
        let page: Value = ok_json(get(query).await).await;
        assert_eq!(page["total"], total, "{query}");
    }
    for (query, status) in [
        ("?status=lost", 400),
        ("?page=x", 400),
        ("?week=2026-W99", 400),
        ("/424242", 404),
    ] {
        assert_eq!(get(query).await.status(), status, "{query}");
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let app = spawn_app().await;
    let doc = app.api_document().await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/signals",
        "/api/v1/incidents",
        "/api/v1/incidents/{id}",
        "/api/v1/whoami",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    // Request bodies are the types the handlers read, not copies kept by hand.
    for (path, item) in [
        ("/api/v1/signals", "SignalItem"),
        ("/api/v1/feedback", "FeedbackItem"),
        ("/api/v1/customers", "CustomerItem"),
        ("/api/v1/orders", "OrderItem"),
    ] {
        let body =
            &doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(body["type"], "array", "{path}");
        assert_eq!(
            (body["minItems"].as_u64(), body["maxItems"].as_u64()),
            (Some(1), Some(1000)),
            "{path}"
        );
        assert_eq!(
            body["items"]["$ref"],
            format!("#/components/schemas/{item}"),
            "{path}"
        );
        let refused = &doc["paths"][path]["post"]["responses"]["400"];
        assert_eq!(
            refused["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody",
            "{path}"
        );
    }
    let required = &doc["components"]["schemas"]["SignalItem"]["required"];
    for field in [
        "idempotency_key",
        "kind",
        "customer",
        "value",
        "observed_at",
    ] {
        assert!(
            required.as_array().unwrap().iter().any(|f| f == field),
            "{field}"
        );
    }
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
    let category = app.category_id("Delivery").await.to_string();
    let mut form = editor_form(&[
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
    ]);
    form.extend([
        ("sample_kind".into(), String::new()),
        ("sample_value".into(), "7".into()),
        ("sample_amount".into(), "4.00".into()),
    ]);
    let outcome: Value = ok_json(app.call_owned(&manager, "rules/try", &form).await).await;
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

/// An app delivering notices through an SMTP sink (which refuses every message when `refuse`),
/// its clock driven by the test, with one notice to mei@example.com queued by a signal.
async fn notice_through_smtp(refuse: bool) -> (TestApp, Sink) {
    let (smtp, sink) = crate::smtp_sink::start(refuse).await;
    let app = spawn_app_with_smtp(|_| {}, Some(smtp)).await;
    let manager = app.staff_browser("manager").await;
    rule(&app, &manager, &[]).await;
    let token = api_token(&app, "Playback service").await;
    let batch = json!([signal(
        "m1",
        "mei@example.com",
        "rental-9",
        0.3,
        Some("3.99"),
        "2026-11-20T21:00:00Z"
    )]);
    send(&app, &token, &batch).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM email_outbox").await, 1);
    (app, sink)
}

#[tokio::test]
async fn notices_are_delivered_by_smtp_once() {
    let (app, sink) = notice_through_smtp(false).await;
    // The delivery worker's next pass, a second later.
    app.advance(Duration::from_secs(1)).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox WHERE status = 'sent' AND attempts = 1")
            .await,
        1
    );
    // Hours later, past the claim's lease and any retry's wait: still sent once.
    app.advance(Duration::from_secs(3 * 3600)).await;
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
    let (app, sink) = notice_through_smtp(true).await;
    let outbox = || async {
        let row: (String, i64, Option<String>, i64) = sqlx::query_as(
            "SELECT status, attempts, last_error, next_attempt_at FROM email_outbox",
        )
        .fetch_one(&app.db)
        .await
        .unwrap();
        row
    };
    app.advance(Duration::from_secs(1)).await;
    let (status, attempts, error, next) = outbox().await;
    assert_eq!((status.as_str(), attempts), ("queued", 1));
    assert!(error.unwrap().contains("try again later"));
    assert!(next > app.clock.now_ms() + 20_000, "the retry waits");
    app.advance(Duration::from_secs(10)).await;
    assert_eq!(outbox().await.1, 1, "no retry before the wait is over");
    app.advance(Duration::from_secs(30)).await;
    let (status, attempts, _, next) = outbox().await;
    assert_eq!(
        (status.as_str(), attempts),
        ("queued", 2),
        "retried once the wait is over"
    );
    assert!(
        next > app.clock.now_ms() + 50_000,
        "the next wait is longer"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_attempts WHERE outcome = 'error'")
            .await,
        2
    );
    assert!(sink.messages.lock().unwrap().is_empty());
}
