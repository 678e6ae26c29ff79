//! Signed webhooks, end to end: a receiver inside the test verifies each delivery's signature
//! with the documented Standard Webhooks algorithm; failures are retried on the driven clock;
//! events of a change rolled back are never sent; a committed event survives a `kill -9` of the
//! server; private addresses are refused; the API's shapes; admins only.
use crate::helpers::*;
use app::webhooks::delivery::deliver_due;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request the receiver got.
#[derive(Clone, Debug)]
pub(crate) struct Received {
    pub(crate) id: String,
    timestamp: String,
    signature: String,
    body: String,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

#[derive(Clone, Default)]
struct Inbox {
    got: Arc<Mutex<Vec<Received>>>,
    /// Statuses to answer with, in turn; 200 once they run out.
    answers: Arc<Mutex<VecDeque<u16>>>,
}

/// A webhook receiver on 127.0.0.1, recording what it is sent.
pub(crate) struct Receiver {
    pub(crate) url: String,
    inbox: Inbox,
}

impl Receiver {
    pub(crate) async fn start() -> Self {
        Self::on(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap()).await
    }

    async fn on(listener: tokio::net::TcpListener) -> Self {
        let port = listener.local_addr().unwrap().port();
        let inbox = Inbox::default();
        let router = axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(inbox.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self {
            url: format!("http://127.0.0.1:{port}/hook"),
            inbox,
        }
    }

    fn answer_first(&self, statuses: &[u16]) {
        self.inbox.answers.lock().unwrap().extend(statuses);
    }

    pub(crate) fn got(&self) -> Vec<Received> {
        self.inbox.got.lock().unwrap().clone()
    }
}

async fn receive(State(inbox): State<Inbox>, headers: HeaderMap, body: String) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    inbox.got.lock().unwrap().push(Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body,
    });
    let status = inbox.answers.lock().unwrap().pop_front().unwrap_or(200);
    StatusCode::from_u16(status).unwrap()
}

/// The receiver-side check the README documents: HMAC-SHA256, keyed with the base64-decoded
/// secret after `whsec_`, over "{webhook-id}.{webhook-timestamp}.{body}", base64 after `v1,`.
fn verifies(secret: &str, r: &Received) -> bool {
    let key = B64.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", r.id, r.timestamp, r.body).as_bytes());
    let expected = format!("v1,{}", B64.encode(mac.finalize().into_bytes()));
    r.signature.split(' ').any(|s| s == expected)
}

/// Adds an endpoint for `events` over the API; its id and signing secret.
pub(crate) async fn subscribe(
    app: &TestApp,
    token: &str,
    url: &str,
    events: &[&str],
) -> (i64, String) {
    let body = json!({"url": url, "events": events, "description": "Test receiver"});
    let res = app.api_post(token, "/api/v1/webhooks", &body).await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    (
        created["id"].as_i64().unwrap(),
        created["secret"].as_str().unwrap().to_string(),
    )
}

/// One delivery pass at the app's (driven) time, as the scheduler runs it.
async fn deliver(app: &TestApp) {
    deliver_due(&app.db, &app.clock, true).await.unwrap();
}

/// Waits (at most ten seconds) until `n` attempts are recorded: the pass an admin's click
/// starts may still be sending when the test's own pass finds its delivery claimed.
async fn attempts_recorded(app: &TestApp, n: i64) {
    for _ in 0..100 {
        if app.count("SELECT COUNT(*) FROM webhook_attempts").await >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("fewer than {n} delivery attempts were recorded");
}

async fn api_delete(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    reqwest::Client::new()
        .delete(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_new_customer_is_announced_signed_so_the_documented_algorithm_verifies_it() {
    let app = spawn_app().await;
    let token = api_token(&app, "Hooks").await;
    let receiver = Receiver::start().await;
    let (_, secret) = subscribe(&app, &token, &receiver.url, &["customer.created"]).await;
    let associate = app.staff_browser("associate").await;
    let customer_id = customer(&app, &associate, "Dana Reyes", "c-1001").await;

    deliver(&app).await;

    let got = receiver.got();
    assert_eq!(got.len(), 1);
    let delivery = &got[0];
    assert!(verifies(&secret, delivery), "signature: {delivery:?}");
    assert!(!verifies(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        delivery
    ));
    assert!(delivery.id.starts_with("msg_"));
    let sent_at: i64 = delivery.timestamp.parse().unwrap();
    assert!((sent_at - app.clock.now_ms() / 1000).abs() < 60);
    let body = delivery.json();
    assert_eq!(body["type"], "customer.created");
    assert!(chrono::DateTime::parse_from_rfc3339(body["timestamp"].as_str().unwrap()).is_ok());
    assert_eq!(body["data"]["customer_id"], customer_id);
    assert_eq!(body["data"]["external_ref"], "c-1001");
    assert_eq!(body["data"]["name"], "Dana Reyes");

    deliver(&app).await;
    assert_eq!(receiver.got().len(), 1, "a delivered event is sent once");
}

#[tokio::test]
async fn a_failed_delivery_is_retried_with_the_same_id_once_the_backoff_has_passed() {
    let app = spawn_app().await;
    let token = api_token(&app, "Hooks").await;
    let receiver = Receiver::start().await;
    receiver.answer_first(&[500]);
    let (endpoint, secret) = subscribe(&app, &token, &receiver.url, &["customer.created"]).await;
    let associate = app.staff_browser("associate").await;
    customer(&app, &associate, "Dana Reyes", "c-1001").await;

    deliver(&app).await;
    assert_eq!(receiver.got().len(), 1);
    deliver(&app).await;
    assert_eq!(receiver.got().len(), 1, "not retried before the backoff");

    app.advance(Duration::from_secs(31)).await;
    deliver(&app).await;
    let got = receiver.got();
    assert_eq!(got.len(), 2, "retried within 30 seconds");
    assert_eq!(got[0].id, got[1].id, "a retry keeps its webhook-id");
    assert_eq!(got[0].body, got[1].body);
    assert!(got.iter().all(|r| verifies(&secret, r)));

    let path = format!("/api/v1/webhooks/{endpoint}/deliveries");
    let log: Value = ok_json(app.api_get(&token, &path).await).await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["attempt"], 2);
    assert_eq!(items[0]["status"], 200);
    assert_eq!(items[0]["delivery_status"], "delivered");
    assert_eq!(items[1]["attempt"], 1);
    assert_eq!(items[1]["status"], 500);
    assert!(items[1]["next_retry_at"].is_string());
    assert_eq!(items[1]["event_id"], got[0].id.as_str());
    assert_eq!(items[1]["type"], "customer.created");
    assert!(items[1]["at"].is_string());
}

#[tokio::test]
async fn a_delivery_given_up_after_about_a_day_marks_its_endpoint_failing() {
    let app = spawn_app().await;
    let token = api_token(&app, "Hooks").await;
    let receiver = Receiver::start().await;
    receiver.answer_first(&[503; 20]);
    subscribe(&app, &token, &receiver.url, &["customer.created"]).await;
    let associate = app.staff_browser("associate").await;
    customer(&app, &associate, "Dana Reyes", "c-1001").await;

    deliver(&app).await;
    for _ in 0..12 {
        app.advance(Duration::from_secs(8 * 3600)).await;
        deliver(&app).await;
    }
    assert_eq!(receiver.got().len(), 13);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'failed'")
            .await,
        1
    );
    let listed: Value = ok_json(app.api_get(&token, "/api/v1/webhooks").await).await;
    assert!(listed[0]["failing_since"].is_string(), "{listed}");

    app.advance(Duration::from_secs(8 * 3600)).await;
    deliver(&app).await;
    assert_eq!(
        receiver.got().len(),
        13,
        "a failed delivery is not sent again"
    );
}

#[tokio::test]
async fn events_of_a_change_that_was_rolled_back_are_never_sent() {
    let app = spawn_app().await;
    let token = api_token(&app, "Hooks").await;
    let receiver = Receiver::start().await;
    subscribe(
        &app,
        &token,
        &receiver.url,
        &["incident.opened", "customer.created"],
    )
    .await;
    let associate = app.staff_browser("associate").await;
    customer(&app, &associate, "Dana Reyes", "c-1001").await;
    customer(&app, &associate, "Ana Ruiz", "c-2002").await;
    let feedback = give_feedback(
        &app,
        &associate,
        &[("score", "3"), ("comment", "It was fine")],
    )
    .await;
    assert_eq!(feedback.status(), 200);
    let follow_up: i64 = app.row::<(i64,)>("SELECT id FROM follow_ups").await.0;

    // Opening an incident for c-2002 from c-1001's follow-up inserts the incident, then finds
    // the follow-up is another customer's: the whole change is rolled back.
    let category = app.category_id("Delivery").await.to_string();
    let follow_up = follow_up.to_string();
    let form = [
        ("customer", "c-2002"),
        ("new_customer_name", ""),
        ("category_id", category.as_str()),
        ("severity", ""),
        ("source", "complaint"),
        ("occurred_at", ""),
        ("subject_ref", ""),
        ("description", "Parcel went to the old address"),
        ("follow_up", follow_up.as_str()),
    ];
    let refused = app.call(&associate, "incidents/create", &form).await;
    assert_eq!(refused.status(), 422);
    // A batch refused whole announces none of its customers.
    let batch = json!([{"external_ref": "c-3003", "name": "Kim"}, {"external_ref": "c-3004"}]);
    let refused = app.api_post(&token, "/api/v1/customers", &batch).await;
    assert_eq!(refused.status(), 400);
    assert_eq!(app.count("SELECT COUNT(*) FROM incidents").await, 0);

    let kept = log_incident(&app, &associate, "c-2002", "complaint").await;
    deliver(&app).await;
    let types: Vec<(String, Value)> = receiver
        .got()
        .iter()
        .map(|r| {
            let body = r.json();
            (
                body["type"].as_str().unwrap().to_string(),
                body["data"].clone(),
            )
        })
        .collect();
    let opened: Vec<&Value> = types
        .iter()
        .filter(|(t, _)| t == "incident.opened")
        .map(|(_, d)| d)
        .collect();
    assert_eq!(opened.len(), 1, "{types:?}");
    assert_eq!(opened[0]["incident_id"], kept);
    let created = types
        .iter()
        .filter(|(t, _)| t == "customer.created")
        .count();
    assert_eq!(created, 2, "only the two customers that were stored");
}

#[tokio::test]
async fn each_domain_change_announces_its_event_with_its_payload() {
    let app = spawn_app().await;
    let token = api_token(&app, "Hooks").await;
    let receiver = Receiver::start().await;
    let all = [
        "incident.opened",
        "incident.resolved",
        "incident.reopened",
        "recovery.applied",
        "recovery.pending_approval",
        "recovery.declined",
        "feedback.received",
        "follow_up.opened",
        "follow_up.closed",
        "story.logged",
        "customer.created",
    ];
    subscribe(&app, &token, &receiver.url, &all).await;
    let manager = app.staff_browser("manager").await;
    customer(&app, &manager, "Dana Reyes", "c-1001").await;
    let incident = log_incident(&app, &manager, "c-1001", "complaint").await;
    let applied = recovery_action(&app, &manager, incident, "apology", "", "USD").await;
    assert_eq!(applied.status(), 200);
    let pending = recovery_action(&app, &manager, incident, "refund", "500", "USD").await;
    assert_eq!(pending.status(), 200);
    let action: i64 = app
        .row::<(i64,)>("SELECT id FROM recovery_actions WHERE status = 'pending'")
        .await
        .0;
    let (_, other_manager) = staff_with_id(&app, "manager").await;
    let declined = decide(&app, &other_manager, action, "decline", "Too much").await;
    assert_eq!(declined.status(), 200);
    assert_eq!(
        resolve(&app, &manager, incident, "Old address", "")
            .await
            .status(),
        200
    );
    assert_eq!(
        reopen(&app, &manager, incident, "Still missing")
            .await
            .status(),
        200
    );
    let answered = give_feedback(&app, &manager, &[("score", "3"), ("comment", "ok")]).await;
    assert_eq!(answered.status(), 200);
    let follow_up: i64 = app.row::<(i64,)>("SELECT id FROM follow_ups").await.0;
    let close = [
        ("id", follow_up.to_string()),
        ("outcome", "problem_found".to_string()),
        ("customer_said", "The parcel never came".to_string()),
        ("true_sentiment", "negative".to_string()),
    ];
    let closed = app.call_owned(&manager, "follow-ups/close", &close).await;
    assert_eq!(closed.status(), 200);
    let associate = app.staff_browser("associate").await;
    let story = logged_story(&app, &associate, &[]).await;

    deliver(&app).await;
    let bodies: Vec<Value> = receiver.got().iter().map(Received::json).collect();
    let of = |t: &str| -> Value {
        bodies
            .iter()
            .find(|b| b["type"] == t)
            .unwrap_or_else(|| panic!("no {t} in {bodies:?}"))["data"]
            .clone()
    };
    for t in all {
        of(t);
    }
    assert_eq!(of("incident.opened")["incident_id"], incident);
    assert_eq!(of("incident.opened")["proactive"], false);
    assert_eq!(of("recovery.applied")["kind"], "apology");
    assert_eq!(of("recovery.pending_approval")["amount_minor"], 50000);
    assert_eq!(of("recovery.declined")["decision_note"], "Too much");
    assert_eq!(of("incident.resolved")["root_cause"], "Old address");
    assert_eq!(of("incident.reopened")["reason"], "Still missing");
    let feedback = of("feedback.received");
    assert_eq!(feedback["assessment"], "lukewarm");
    assert!(!feedback["reasons"].as_array().unwrap().is_empty());
    assert!(feedback["reasons"][0]["code"].is_string());
    assert_eq!(of("follow_up.opened")["follow_up_id"], follow_up);
    assert_eq!(of("follow_up.closed")["outcome"], "problem_found");
    assert_eq!(of("follow_up.closed")["true_sentiment"], "negative");
    assert_eq!(of("story.logged")["story_id"], story);
}

#[tokio::test]
async fn endpoints_on_private_addresses_are_refused_when_added_and_when_delivered() {
    let app = spawn_app_with(|s| s.webhooks_allow_private = false).await;
    let token = api_token(&app, "Hooks").await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "http://10.0.0.8/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:9/hook",
        "http://[fd00::1]/hook",
        "http://0.0.0.0/hook",
    ] {
        let body = json!({"url": url, "events": ["story.logged"]});
        let res = app.api_post(&token, "/api/v1/webhooks", &body).await;
        assert_eq!(res.status(), 422, "{url}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["fields"][0]["field"], "url", "{url}");
    }
    let body = json!({"url": "ftp://example.com/hook", "events": ["story.logged"]});
    let res = app.api_post(&token, "/api/v1/webhooks", &body).await;
    assert_eq!(res.status(), 422);
    assert_eq!(app.count("SELECT COUNT(*) FROM webhook_endpoints").await, 0);

    // A name that pointed elsewhere when added and points inside now is refused at delivery.
    let receiver = Receiver::start().await;
    sqlx::query(
        "INSERT INTO webhook_endpoints (url, description, secret, enabled, created_at, updated_at)
         VALUES ($1, '', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 1, 0, 0)",
    )
    .bind(receiver.url.replace("127.0.0.1", "localhost"))
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query("INSERT INTO webhook_subscriptions (endpoint_id, event_type) SELECT id, 'customer.created' FROM webhook_endpoints")
        .execute(&app.db)
        .await
        .unwrap();
    let associate = app.staff_browser("associate").await;
    customer(&app, &associate, "Dana Reyes", "c-1001").await;
    deliver_due(&app.db, &app.clock, false).await.unwrap();
    assert!(receiver.got().is_empty());
    let (status, error): (Option<i64>, String) = app
        .row("SELECT status_code, error FROM webhook_attempts")
        .await;
    assert_eq!(status, None);
    assert!(error.contains("private"), "{error}");
}

#[tokio::test]
async fn the_api_adds_lists_and_deletes_webhooks_in_the_documented_shapes() {
    let app = spawn_app().await;
    let token = api_token(&app, "Hooks").await;
    let body = json!({
        "url": "http://127.0.0.1:9/hook",
        "events": ["incident.opened", "feedback.received"],
        "description": "CRM"
    });
    let res = app.api_post(&token, "/api/v1/webhooks", &body).await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["url"], "http://127.0.0.1:9/hook");
    assert_eq!(
        created["events"],
        json!(["feedback.received", "incident.opened"])
    );
    assert_eq!(created["description"], "CRM");
    assert_eq!(created["enabled"], true);
    assert!(created["secret"].as_str().unwrap().starts_with("whsec_"));

    let listed: Value = ok_json(app.api_get(&token, "/api/v1/webhooks").await).await;
    assert_eq!(listed[0]["id"], id);
    assert_eq!(listed[0]["events"], created["events"]);
    assert!(
        listed[0].get("secret").is_none(),
        "the secret is shown once"
    );

    let unknown = json!({"url": "http://127.0.0.1:9/x", "events": ["incident.opened", "incident.closed", "order.shipped"]});
    let res = app.api_post(&token, "/api/v1/webhooks", &unknown).await;
    assert_eq!(res.status(), 422);
    let error: Value = res.json().await.unwrap();
    assert_eq!(error["code"], "invalid");
    let message = error["fields"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("incident.closed, order.shipped"),
        "{message}"
    );
    let res = app
        .api_post(&token, "/api/v1/webhooks", &json!({"events": "all"}))
        .await;
    assert_eq!(res.status(), 422);
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/webhooks"))
        .bearer_auth(&token)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    let log = format!("/api/v1/webhooks/{id}/deliveries");
    let empty: Value = ok_json(app.api_get(&token, &log).await).await;
    assert_eq!(empty["items"], json!([]));
    assert_eq!(
        app.api_get(&token, "/api/v1/webhooks/999/deliveries")
            .await
            .status(),
        404
    );
    assert_eq!(
        app.api_get(&token, "/api/v1/webhooks/abc/deliveries")
            .await
            .status(),
        400
    );
    let path = format!("/api/v1/webhooks/{id}");
    assert_eq!(api_delete(&app, &token, &path).await.status(), 204);
    let again = api_delete(&app, &token, &path).await;
    assert_eq!(again.status(), 404);
    let error: Value = again.json().await.unwrap();
    assert_eq!(error["code"], "not_found");
    assert_eq!(app.api_get(&token, &log).await.status(), 404);

    let doc = app.api_document().await;
    assert!(doc["paths"]["/api/v1/webhooks"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/webhooks/{id}/deliveries"]["get"].is_object());
    for schema in [
        "WebhookMessage",
        "IncidentOpenedData",
        "FeedbackReceivedData",
        "FollowUpClosedData",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
}

#[tokio::test]
async fn only_admins_manage_webhooks_and_read_only_tokens_cannot_add_them() {
    let app = spawn_app().await;
    for role in ["associate", "manager"] {
        let staff = app.staff_browser(role).await;
        assert_eq!(
            app.call(&staff, "admin/webhooks/list", &[]).await.status(),
            403
        );
        let form = [
            ("url", "http://127.0.0.1:9/x"),
            ("events[]", "story.logged"),
        ];
        assert_eq!(
            app.call(&staff, "admin/webhooks/create", &form)
                .await
                .status(),
            403
        );
        assert_eq!(app.get(&staff, "/admin/webhooks").await.status(), 403);
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM webhook_endpoints").await, 0);
    let admin = app.staff_browser("admin").await;
    assert_eq!(
        app.call(&admin, "admin/webhooks/list", &[]).await.status(),
        200
    );
    assert_eq!(app.get(&admin, "/admin/webhooks").await.status(), 200);
    let read_only = create_token(&app, &admin, &[("name", "Reader"), ("read_only", "1")]).await;
    let body = json!({"url": "http://127.0.0.1:9/x", "events": ["story.logged"]});
    let res = app.api_post(&read_only, "/api/v1/webhooks", &body).await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        app.api_get(&read_only, "/api/v1/webhooks").await.status(),
        200
    );
    // A token acts for its maker: one made by someone who is no admin now is refused.
    let (manager_id, _) = staff_with_id(&app, "manager").await;
    let token = api_token(&app, "Hooks").await;
    sqlx::query(
        "UPDATE api_tokens SET created_by = $1 WHERE id = (SELECT MAX(id) FROM api_tokens)",
    )
    .bind(manager_id)
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(app.api_get(&token, "/api/v1/webhooks").await.status(), 403);
    let res = app.api_post(&token, "/api/v1/webhooks", &body).await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn an_admin_adds_an_endpoint_without_javascript_sees_its_secret_once_and_a_test_event_in_its_log(
) {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let admin = app.staff_browser("admin").await;
    let form = [
        ("url", receiver.url.as_str()),
        ("description", "Chat"),
        ("events[]", "incident.opened"),
        ("events[]", "story.logged"),
        ("enabled", "1"),
    ];
    let res = app
        .submit_form(&admin, "admin/webhooks/create", "/admin/webhooks", &form)
        .await;
    assert!(
        res.status().is_redirection(),
        "{} {}",
        res.status(),
        res.text().await.unwrap()
    );
    assert_eq!(location(&res), "/admin/webhooks?flash=webhook-created");
    let page = app
        .page_text(&admin, "/admin/webhooks?flash=webhook-created")
        .await;
    let secret = page
        .split("whsec_")
        .nth(1)
        .map(|rest| format!("whsec_{}", rest.split('<').next().unwrap()))
        .expect("the secret is shown after creation");
    assert!(page.contains(&receiver.url));
    let again = app.page_text(&admin, "/admin/webhooks").await;
    assert!(!again.contains("whsec_"), "the secret is shown once");
    let (id, events): (i64, i64) = app
        .row("SELECT e.id, (SELECT COUNT(*) FROM webhook_subscriptions s WHERE s.endpoint_id = e.id) FROM webhook_endpoints e")
        .await;
    assert_eq!(events, 2);

    let id_text = id.to_string();
    let page = format!("/admin/webhooks/{id}");
    let res = app
        .submit_form(&admin, "admin/webhooks/test", &page, &[("id", &id_text)])
        .await;
    assert_eq!(
        location(&res),
        format!("/admin/webhooks/{id}?flash=webhook-test-sent")
    );
    deliver(&app).await;
    attempts_recorded(&app, 1).await;
    let got = receiver.got();
    assert_eq!(got.len(), 1);
    assert!(verifies(&secret, &got[0]));
    assert_eq!(got[0].json()["type"], "webhook.test");
    let log = app.page_text(&admin, &page).await;
    assert!(log.contains("webhook.test"), "{log}");
    assert!(log.contains("Redeliver"));

    let delivery: i64 = app
        .row::<(i64,)>("SELECT id FROM webhook_deliveries")
        .await
        .0;
    let res = app
        .submit_form(
            &admin,
            "admin/webhooks/redeliver",
            &page,
            &[("delivery_id", &delivery.to_string())],
        )
        .await;
    assert!(res.status().is_redirection());
    deliver(&app).await;
    attempts_recorded(&app, 2).await;
    let got = receiver.got();
    assert_eq!(got.len(), 2, "redelivered");
    assert_eq!(got[0].id, got[1].id);

    let res = app
        .submit_form(
            &admin,
            "admin/webhooks/enable",
            "/admin/webhooks",
            &[("id", &id_text), ("enabled", "false")],
        )
        .await;
    assert!(res.status().is_redirection());
    let enabled: (i64,) = app.row("SELECT enabled FROM webhook_endpoints").await;
    assert_eq!(enabled.0, 0);
    let res = app
        .submit_form(
            &admin,
            "admin/webhooks/delete",
            "/admin/webhooks",
            &[("id", &id_text)],
        )
        .await;
    assert!(res.status().is_redirection());
    assert_eq!(app.count("SELECT COUNT(*) FROM webhook_endpoints").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM webhook_deliveries").await,
        0
    );
    let audited = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'webhook.%'")
        .await;
    assert_eq!(audited, 5, "create, test, redeliver, disable, delete");
}

/// `extramile serve` as a child process on `database_url`, and the address it serves at.
fn serve(database_url: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_extramile"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("EXTRAMILE_ADDR", "127.0.0.1:0")
        .env("EXTRAMILE_LOG", "warn")
        .env("EXTRAMILE_WEBHOOKS_ALLOW_PRIVATE", "true")
        .env_remove("SMTP_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run extramile serve");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("Extra Mile is serving at ") {
                let _ = tx.send(url.trim().to_string());
            }
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the server says where it serves");
    (child, url)
}

#[tokio::test]
async fn a_delivery_committed_before_a_kill_9_is_sent_by_the_next_server_on_the_database() {
    let app = spawn_app().await;
    let token = api_token(&app, "Hooks").await;
    // The receiver's address, with nothing listening on it yet: the receiver is down.
    let spot = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = spot.local_addr().unwrap().port();
    drop(spot);
    let url = format!("http://127.0.0.1:{port}/hook");
    let (_, secret) = subscribe(&app, &token, &url, &["customer.created"]).await;

    let (mut first, base) = serve(&app.database_url);
    let res = reqwest::Client::new()
        .post(format!("{base}/api/v1/customers"))
        .bearer_auth(&token)
        .json(&json!([{"external_ref": "c-7007", "name": "Lee Park"}]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    first.kill().unwrap(); // SIGKILL: no shutdown, nothing flushed
    first.wait().unwrap();
    let pending = "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'";
    assert_eq!(app.count(pending).await, 1, "the committed event survived");
    // Skip the waits the killed server leaves behind: a failed first attempt's backoff, or the
    // lease on a delivery (and on the scheduler's delivery job) it held when it was killed.
    // Those expire by themselves; the test does not wait minutes for them.
    sqlx::query("UPDATE webhook_deliveries SET next_attempt_at = 0 WHERE status = 'pending'")
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE job_schedule SET lease_until = 0, next_run_at = 0 WHERE name = 'webhook_delivery'",
    )
    .execute(&app.db)
    .await
    .unwrap();

    let receiver = Receiver::on(
        tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap(),
    )
    .await;
    let (mut second, _) = serve(&app.database_url);
    let mut waited = 0;
    while receiver.got().is_empty() && waited < 60 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        waited += 1;
    }
    second.kill().unwrap();
    second.wait().unwrap();
    let got = receiver.got();
    assert_eq!(got.len(), 1, "delivered by the next server");
    assert!(verifies(&secret, &got[0]));
    let body = got[0].json();
    assert_eq!(body["type"], "customer.created");
    assert_eq!(body["data"]["external_ref"], "c-7007");
}
