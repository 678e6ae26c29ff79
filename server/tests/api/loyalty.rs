//! Customers and orders from other systems, referral attribution, the stored loyalty score and
//! the profile with its return on recovery.
use crate::helpers::*;
use reqwest::Client;
use serde_json::{json, Value};

/// Where the API takes customers and orders.
const CUSTOMERS: &str = "/api/v1/customers";
const ORDERS: &str = "/api/v1/orders";

/// Sends one customer to the API, which must take them; the API's account of them.
async fn api_customer(app: &TestApp, token: &str, reference: &str, name: &str) -> Value {
    let batch = json!([{"external_ref": reference, "name": name}]);
    let body: Value = ok_json(app.api_post(token, CUSTOMERS, &batch).await).await;
    body["items"][0].clone()
}

fn order(id: &str, customer: &str, amount: &str, placed_at: &str) -> Value {
    json!({"external_id": id, "customer": customer, "amount": {"amount": amount, "currency": "USD"}, "placed_at": placed_at})
}

fn days_ago(days: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::days(days))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[tokio::test]
async fn customers_are_upserted_by_reference_and_referrals_are_attributed() {
    let app = spawn_app().await;
    let token = api_token(&app, "Shop").await;
    let first = json!([{"external_ref": "c-1001", "name": "Dana Reyes", "email": "dana@example.com", "phone": null, "segment": "retail", "referred_by_code": null}]);
    let res = app.api_post(&token, CUSTOMERS, &first).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["items"][0]["status"], "created");
    let code = body["items"][0]["referral_code"]
        .as_str()
        .unwrap()
        .to_string();
    let again: Value = ok_json(app.api_post(&token, CUSTOMERS, &first).await).await;
    assert_eq!(again["items"][0]["status"], "unchanged");
    assert_eq!(again["items"][0]["id"], body["items"][0]["id"]);

    let friends = json!([
        {"external_ref": "c-2001", "name": "Ana Ruiz", "referred_by_code": code.to_lowercase()},
        {"external_ref": "c-1001", "name": "Dana Reyes-Park", "email": "dana@example.com"},
    ]);
    let body: Value = ok_json(app.api_post(&token, CUSTOMERS, &friends).await).await;
    assert_eq!(body["items"][0]["status"], "created");
    assert_eq!(body["items"][0]["referred_by"], "c-1001");
    assert_eq!(body["items"][1]["status"], "updated");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM referrals WHERE converted = 1 AND source = 'api'")
            .await,
        1
    );

    // A bad batch is refused whole: nothing of it is stored.
    let bad = json!([
        {"external_ref": "c-3001", "name": "Fine Person"},
        {"external_ref": "c-3002", "name": "", "email": "not-an-email"},
        {"external_ref": "c-3003", "name": "Unknown Code", "referred_by_code": "NOPE1234"},
        {"external_ref": "c-3004", "name": "Email Thief", "email": "dana@example.com"},
    ]);
    let res = app.api_post(&token, CUSTOMERS, &bad).await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    let fields = item_errors(&body);
    assert_eq!(fields, [(1, "name".to_string())]);
    let res = app
        .api_post(&token, CUSTOMERS, &json!([bad[0], bad[2], bad[3]]))
        .await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    let fields = item_errors(&body);
    assert_eq!(
        fields,
        [(1, "referred_by_code".into()), (2, "email".into())]
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM customers WHERE external_ref LIKE 'c-300%'")
            .await,
        0
    );
    assert_eq!(
        app.api_post("em_wrong", CUSTOMERS, &first).await.status(),
        401
    );
}

#[tokio::test]
async fn orders_are_idempotent_refused_whole_and_move_the_stored_score() {
    let app = spawn_app().await;
    let token = api_token(&app, "Shop").await;
    api_customer(&app, &token, "c-1001", "Dana Reyes").await;
    let score = || async {
        app.count("SELECT loyalty_score FROM customers WHERE external_ref = 'c-1001'")
            .await
    };
    assert_eq!(score().await, 15, "a new customer is neutral");
    let batch = json!([
        order("o-1", "c-1001", "42.50", &days_ago(40)),
        order("o-2", "c-1001", "10.00", &days_ago(5))
    ]);
    let res = app.api_post(&token, ORDERS, &batch).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["items"][0]["status"], "stored");
    // 20 (ordered 5 days ago) + 8 (2 orders) + 10 (came back) + 15 (no answer yet) = 53.
    assert_eq!(score().await, 53);
    let body: Value = ok_json(app.api_post(&token, ORDERS, &batch).await).await;
    assert_eq!(body["items"][1]["status"], "duplicate");
    assert_eq!(app.count("SELECT COUNT(*) FROM orders").await, 2);
    for (bad, field) in [
        (
            json!([order("o-3", "nobody", "1.00", &days_ago(1))]),
            "customer",
        ),
        (
            json!([order("o-4", "c-1001", "1.005", &days_ago(1))]),
            "amount",
        ),
        (
            json!([{"external_id": "o-5", "customer": "c-1001", "amount": {"amount": 5, "currency": "USD"}, "placed_at": days_ago(1)}]),
            "amount.amount",
        ),
        (
            json!([order("o-6", "c-1001", "1.00", "yesterday")]),
            "placed_at",
        ),
        (
            json!([order("o-7", "c-1001", "1.00", &days_ago(-3))]),
            "placed_at",
        ),
    ] {
        let res = app
            .api_post(
                &token,
                ORDERS,
                &json!([order("o-ok", "c-1001", "1.00", &days_ago(1)), bad[0]]),
            )
            .await;
        assert_eq!(res.status(), 400, "{bad}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["items"][0]["index"], 1);
        assert_eq!(body["items"][0]["field"], field, "{bad}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders").await,
        2,
        "nothing of a refused batch"
    );
    assert_eq!(app.api_post(&token, ORDERS, &json!({})).await.status(), 400);
}

#[tokio::test]
async fn the_profile_shows_what_followed_a_recovery_and_says_what_is_only_coincident() {
    let app = spawn_app().await;
    let token = api_token(&app, "Shop").await;
    let staff = app.staff_browser("associate").await;
    let dana = api_customer(&app, &token, "c-1001", "Dana Reyes").await;
    let code = dana["referral_code"].as_str().unwrap().to_string();
    app.api_post(
        &token,
        ORDERS,
        &json!([order("o-old", "c-1001", "20.00", &days_ago(30))]),
    )
    .await;

    // A refund of 4.00, resolved now.
    let id = recovered(&app, &staff, "c-1001").await;
    let res = resolve(&app, &staff, id, "Courier delay", "").await;
    assert_eq!(res.status(), 200);

    // Afterwards: she orders twice and three friends arrive with her code and buy.
    app.api_post(
        &token,
        CUSTOMERS,
        &json!([
            {"external_ref": "f-1", "name": "Friend One", "referred_by_code": code},
            {"external_ref": "f-2", "name": "Friend Two", "referred_by_code": code},
            {"external_ref": "f-3", "name": "Friend Three", "referred_by_code": code},
        ]),
    )
    .await;
    // A minute ahead: times are sent to the second, the recovery was stamped to the millisecond.
    let after = (chrono::Utc::now() + chrono::Duration::minutes(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    app.api_post(
        &token,
        ORDERS,
        &json!([
            order("o-a", "c-1001", "30.00", &after),
            order("o-b", "c-1001", "12.00", &after),
            order("o-f1", "f-1", "50.00", &after),
            order("o-f2", "f-2", "25.00", &after),
        ]),
    )
    .await;

    let res = app
        .api_get(&token, "/api/v1/customers/c-1001/profile")
        .await;
    assert_eq!(res.status(), 200);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["orders_total"], 3);
    assert_eq!(p["revenue_12m_minor"], 6200);
    assert_eq!(p["referrals_made"], 3);
    assert_eq!(p["referrals_converted"], 3);
    assert_eq!(p["referral_revenue_minor"], 7500);
    let r = &p["return_on_recovery"];
    assert_eq!(r["recoveries"], 1);
    assert_eq!(r["spend_minor"], 400);
    assert_eq!(
        r["orders_after"], 2,
        "the order before the recovery is not counted"
    );
    assert_eq!(r["revenue_after_minor"], 4200);
    assert_eq!(r["referral_revenue_after_minor"], 7500);
    assert_eq!(
        r["attributed_referrals"], 0,
        "nothing was attributed by staff"
    );
    assert_eq!(p["incidents"][0]["spend_minor"], 400);
    assert!(p["incidents"][0]["hours_to_recover"].is_number());
    // 20 + 12 (3 orders) + 10 + 15 + 20 (3 referrals) = 77, and referrals make an advocate.
    assert_eq!(p["score"], 77);
    assert_eq!(p["segment"], "advocate");
    assert_eq!(
        app.count("SELECT loyalty_score FROM customers WHERE external_ref = 'c-1001'")
            .await,
        77,
        "stored as it changed"
    );

    assert_eq!(
        r["revenue_before_minor"], 2000,
        "the baseline: 30 days before"
    );

    // Across customers: a second recovery for another customer, with one order after it.
    api_customer(&app, &token, "c-2002", "Eli Stone").await;
    let second = recovered(&app, &staff, "c-2002").await;
    app.api_post(
        &token,
        ORDERS,
        &json!([order("o-e", "c-2002", "10.00", &after)]),
    )
    .await;
    // Organisation-wide figures: a manager's (associates see them once an admin opens them).
    let manager = app.staff_browser("manager").await;
    let closed = app
        .call(
            &staff,
            "loyalty/recovery-return",
            &[("period", "12m"), ("page", "1")],
        )
        .await;
    assert_eq!(closed.status(), 403);
    let overall: Value = app
        .call_json(
            &manager,
            "loyalty/recovery-return",
            &[("period", "12m"), ("page", "1")],
        )
        .await;
    let f = &overall["figures"];
    assert_eq!(f["recoveries"], 2, "{overall}");
    assert_eq!(f["customers"], 2);
    assert_eq!(f["spend_minor"], 800);
    assert_eq!(f["orders_after"], 3);
    assert_eq!(f["revenue_after_minor"], 5200);
    assert_eq!(f["revenue_before_minor"], 2000);
    assert_eq!(f["referral_revenue_after_minor"], 7500);
    assert_eq!(f["open_windows"], 2);
    assert_eq!(overall["total"], 2);
    let records = overall["items"].as_array().unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["incident_id"], second, "newest first");
    assert_eq!(records[1]["revenue_after_minor"], 4200);
    assert_eq!(records[1]["referral_revenue_after_minor"], 7500);
    let bad = app
        .call(
            &manager,
            "loyalty/recovery-return",
            &[("period", "forever"), ("page", "1")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let page = app
        .page_text(&manager, "/customers/return-on-recovery?period=all")
        .await;
    assert!(page.contains("coincident in time, not proven caused") && page.contains("Eli Stone"));

    let missing = app
        .api_get(&token, "/api/v1/customers/nobody/profile")
        .await;
    assert_eq!(missing.status(), 404);
    let page = app
        .page_text(&staff, &format!("/customers/{}", dana["id"]))
        .await;
    assert!(
        page.contains("Return on recovery")
            && page.contains("Coincident in time, not proven caused")
    );
    let doc = app.api_document().await;
    for path in [
        CUSTOMERS,
        ORDERS,
        "/api/v1/customers/{external_ref}/profile",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} in the OpenAPI document"
        );
    }
}

/// Logs an incident for a customer with a refund of 4.00 applied; returns its id.
async fn recovered(app: &TestApp, staff: &reqwest::Client, customer: &str) -> i64 {
    let fields = [
        ("customer", customer),
        ("source", "staff"),
        ("description", "Late parcel"),
    ];
    let id = log_incident_with(app, staff, &fields).await;
    let refund = recovery_action(app, staff, id, "refund", "4.00", "usd").await;
    assert_eq!(refund.status(), 200);
    id
}

#[tokio::test]
async fn a_customer_rates_their_own_resolved_recovery_once_and_never_anothers() {
    let app = spawn_app().await;
    let staff = app.staff_browser("associate").await;
    let (me, me_id) = app.customer_browser().await;
    let (_other_id, other_email) = app.portal_customer("Someone Else").await;
    let mine = recovered(&app, &staff, &me_id.to_string()).await;
    let theirs = recovered(&app, &staff, &other_email).await;
    let rate = |incident: i64, score: &'static str| {
        let (app, me) = (&app, &me);
        async move {
            let form = [
                ("incident", incident.to_string()),
                ("score", score.into()),
                ("comment", "Good".into()),
            ];
            app.call_owned(me, "portal/rate", &form)
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(rate(mine, "4").await, 409, "not resolved yet");
    for id in [mine, theirs] {
        assert_eq!(resolve(&app, &staff, id, "Courier", "").await.status(), 200);
    }
    assert_eq!(
        rate(theirs, "5").await,
        404,
        "another customer's incident is not found"
    );
    assert_eq!(rate(999_999, "5").await, 404);
    assert_eq!(rate(mine, "9").await, 422);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM feedback").await,
        0,
        "nothing stored so far"
    );
    assert_eq!(rate(mine, "4").await, 200);
    assert_eq!(rate(mine, "5").await, 409, "once per recovery");
    // It went through the detector: a bare "Good" after a recovery is followed up.
    let (channel, assessment): (String, String) =
        app.row("SELECT channel, assessment FROM feedback").await;
    assert_eq!(
        (channel.as_str(), assessment.as_str()),
        ("portal", "lukewarm")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM follow_ups").await, 1);
    let list: Value = app.call_json(&me, "portal/incidents", &[]).await;
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "only their own incidents"
    );
    assert_eq!(list[0]["my_rating"][0], 4);
    // Staff-only functions stay closed to customers whatever the id.
    assert_eq!(
        app.call(
            &me,
            "loyalty/profile",
            &[("customer_id", &me_id.to_string())]
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.call(&me, "incidents/get", &[("id", &theirs.to_string())])
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn the_customers_list_sorts_by_loyalty_and_filters_by_standing() {
    let app = spawn_app().await;
    let token = api_token(&app, "Shop").await;
    let staff = app.staff_browser("associate").await;
    app.api_post(&token, CUSTOMERS, &json!([
        {"external_ref": "c-1", "name": "Regular"}, {"external_ref": "c-2", "name": "Lapsed"}, {"external_ref": "c-3", "name": "Newcomer"},
    ])).await;
    app.api_post(
        &token,
        ORDERS,
        &json!([
            order("o-1", "c-1", "10.00", &days_ago(3)),
            order("o-2", "c-1", "10.00", &days_ago(30)),
            order("o-3", "c-1", "10.00", &days_ago(60)),
            order("o-5", "c-1", "10.00", &days_ago(90)),
            order("o-4", "c-2", "10.00", &days_ago(400)),
            order("o-6", "c-3", "10.00", &days_ago(1)),
        ]),
    )
    .await;
    let list = |sort: &'static str, standing: &'static str| {
        let app = &app;
        let staff = staff.clone();
        async move {
            let form = [
                ("q", ""),
                ("sort", sort),
                ("page", "1"),
                ("standing", standing),
            ];
            let page = app.call_json(&staff, "customers/list", &form).await;
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    // Regular 20 + 16 + 10 + 15 = 61 (loyal); Newcomer 20 + 4 + 15 = 39 (passive); Lapsed 15
    // and over a year since the last order (churned).
    assert_eq!(
        list("score_desc", "").await,
        ["Regular", "Newcomer", "Lapsed"]
    );
    assert_eq!(
        list("score_asc", "").await,
        ["Lapsed", "Newcomer", "Regular"]
    );
    assert_eq!(list("name", "churned").await, ["Lapsed"]);
    assert_eq!(list("name", "at_risk").await, ["Newcomer"]);
    assert_eq!(list("name", "loyal").await, ["Regular"]);
    let res = app
        .call(
            &staff,
            "customers/list",
            &[
                ("q", ""),
                ("sort", "name"),
                ("page", "1"),
                ("standing", "vip"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn a_referral_link_is_counted_remembered_and_attributes_the_customer_created_next() {
    let app = spawn_app().await;
    let token = api_token(&app, "Shop").await;
    let dana = api_customer(&app, &token, "c-1001", "Dana Reyes").await;
    let code = dana["referral_code"].as_str().unwrap().to_string();

    // A counter tablet opens the link: the visit counts and the code is remembered there.
    let counter = app.staff_browser("associate").await;
    let page = app
        .get(&counter, &format!("/r/{}", code.to_lowercase()))
        .await;
    assert_eq!(page.status(), 200);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("Dana thinks you will like it here"));
    assert_eq!(app.count("SELECT COUNT(*) FROM referral_visits").await, 1);
    for _ in 0..3 {
        app.get(&browser(), &format!("/r/{code}")).await;
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM referral_visits").await,
        1,
        "one visit per visitor and day, however often the link is opened"
    );
    let remembered: String = app
        .call(&counter, "referrals/remembered", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(remembered, code);
    let bad = app.page_text(&browser(), "/r/NOPE42").await;
    assert!(bad.contains("This invitation link is not valid"));
    assert_eq!(app.count("SELECT COUNT(*) FROM referral_visits").await, 1);

    fn ana(code: &str) -> Vec<(&str, &str)> {
        customer_form(&[
            ("name", "Ana Ruiz"),
            ("external_ref", "c-2001"),
            ("referred_by_code", code),
        ])
    }
    let res = app
        .call(&counter, "customers/create", &ana("WRONG123"))
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM customers").await,
        1,
        "nothing created"
    );
    assert_eq!(
        app.call(&counter, "customers/create", &ana(&remembered))
            .await
            .status(),
        200
    );
    let (source, converted): (String, i64) =
        sqlx::query_as("SELECT source, converted FROM referrals")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((source.as_str(), converted), ("staff", 1));
    let profile: Value = ok_json(
        app.api_get(&token, "/api/v1/customers/c-1001/profile")
            .await,
    )
    .await;
    assert_eq!(profile["referrals_converted"], 1);
}

/// Calls a staff function; its status and JSON answer (null when there is none).
async fn submit(
    app: &TestApp,
    staff: &Client,
    endpoint: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let res = app.call(staff, endpoint, form).await;
    let status = res.status().as_u16();
    (status, res.json::<Value>().await.unwrap_or_default())
}

#[tokio::test]
async fn staff_record_referrals_and_posts_attributed_to_a_recovery_and_bad_input_changes_nothing() {
    let app = spawn_app().await;
    let staff = app.staff_browser("associate").await;
    let dana = customer(&app, &staff, "Dana Reyes", "c-1001").await;
    let ana = customer(&app, &staff, "Ana Ruiz", "c-2001").await;
    let other = customer(&app, &staff, "Someone Else", "c-3001").await;
    let incident = recovered(&app, &staff, "c-1001").await;
    let foreign = recovered(&app, &staff, "c-3001").await.to_string();
    let (d, a, other) = (dana.to_string(), ana.to_string(), other.to_string());
    let on_incident = incident.to_string();
    let (status, body) = submit(&app, &staff, "loyalty/referral", &[("customer_id", &d)]).await;
    assert_eq!(status, 422);
    assert!(body.to_string().contains("prospect_name"));
    for (form, expected, why) in [
        (
            vec![("customer_id", d.as_str()), ("referred", d.as_str())],
            422,
            "no self-referral",
        ),
        (
            vec![
                ("customer_id", d.as_str()),
                ("prospect_name", "Kim"),
                ("incident", foreign.as_str()),
            ],
            422,
            "another customer's recovery",
        ),
        (
            vec![
                ("customer_id", d.as_str()),
                ("referred", "c-2001"),
                ("incident", on_incident.as_str()),
            ],
            200,
            "a customer referred after a recovery",
        ),
        (
            vec![("customer_id", other.as_str()), ("referred", a.as_str())],
            422,
            "already attributed",
        ),
        (
            vec![
                ("customer_id", d.as_str()),
                ("prospect_name", "Kim Lee"),
                ("converted", "on"),
                ("revenue", "80.00"),
                ("currency", "USD"),
            ],
            200,
            "a prospect who bought",
        ),
    ] {
        let (status, body) = submit(&app, &staff, "loyalty/referral", &form).await;
        assert_eq!(status, expected, "{why}: {body}");
    }

    let post = [
        ("customer_id", d.as_str()),
        ("kind", "review"),
        ("sentiment", "positive"),
        ("platform", "Google reviews"),
        ("audience", "1,200"),
    ];
    for (field, value) in [
        ("kind", "tweet"),
        ("sentiment", "great"),
        ("platform", ""),
        ("url", "javascript:alert(1)"),
        ("audience", "lots"),
        ("occurred_on", "2099-01-01"),
    ] {
        let form = with_fields(&post, &[(field, value)]);
        let (status, body) = submit(&app, &staff, "loyalty/post", &form).await;
        assert_eq!(status, 422, "{field}={value}");
        assert!(body.to_string().contains(field), "{field}: {body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM advocacy_events").await, 0);
    let form = with_fields(
        &post,
        &[
            ("url", "https://example.com/r/1"),
            ("incident", &on_incident),
        ],
    );
    let (status, _) = submit(&app, &staff, "loyalty/post", &form).await;
    assert_eq!(status, 200);
    let res = resolve(&app, &staff, incident, "Courier", "").await;
    assert_eq!(res.status(), 200);

    let p: Value = app
        .call_json(&staff, "loyalty/profile", &[("customer_id", &d)])
        .await;
    assert_eq!(p["referrals_made"], 2);
    assert_eq!(p["referrals_converted"], 2);
    assert_eq!(p["referral_revenue_minor"], 8000);
    assert_eq!(p["audience_reached"], 1200);
    assert_eq!(p["return_on_recovery"]["attributed_referrals"], 1);
    assert_eq!(p["return_on_recovery"]["attributed_posts"], 1);
    assert_eq!(p["posts"][0]["platform"], "Google reviews");
    assert_eq!(p["referrals"].as_array().unwrap().len(), 2);
    let kinds: Vec<&str> = p["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for kind in ["incident", "recovered", "referral", "post"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
}

#[tokio::test]
async fn every_portal_function_answers_only_for_the_signed_in_customer() {
    let app = spawn_app().await;
    let staff = app.staff_browser("associate").await;
    let (a, a_id) = app.customer_browser().await;
    let (b_id, b_email) = app.portal_customer("Customer B").await;
    let b_incident = recovered(&app, &staff, &b_email).await;
    resolve(&app, &staff, b_incident, "Courier", "").await;
    let b_incident = b_incident.to_string();
    let story = [
        ("title", "For B"),
        ("customer", &b_id.to_string()),
        ("shareable", "on"),
    ];
    let b_story = logged_story(&app, &staff, &story).await.to_string();
    let before = app.count("SELECT COUNT(*) FROM feedback").await;
    // Reads show A's own records only, whatever B has.
    let summary: Value = app.call_json(&a, "portal/summary", &[]).await;
    assert_eq!(summary["name"], "Portal Person");
    let incidents: Value = app.call_json(&a, "portal/incidents", &[]).await;
    assert_eq!(incidents.as_array().unwrap().len(), 0);
    let stories: Value = app.call_json(&a, "portal/stories", &[]).await;
    assert_eq!(stories.as_array().unwrap().len(), 0);
    // Writes and staff reads with B's ids are refused and change nothing.
    assert_eq!(
        app.call(
            &a,
            "portal/rate",
            &[("incident", &b_incident), ("score", "5"), ("comment", "")]
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        app.call(&a, "stories/get", &[("id", &b_story)])
            .await
            .status(),
        403
    );
    assert_eq!(
        app.call(&a, "incidents/get", &[("id", &b_incident)])
            .await
            .status(),
        403
    );
    assert_eq!(
        app.call(&a, "loyalty/profile", &[("customer_id", &b_id.to_string())])
            .await
            .status(),
        403
    );
    assert_eq!(
        app.call(&a, "customers/get", &[("id", &b_id.to_string())])
            .await
            .status(),
        403
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM feedback").await, before);
    assert_ne!(a_id, b_id);
}

/// The app as `serve` starts it without SMTP (the default set-up) still runs its background
/// work: a score nobody touched for a day is recomputed when the clock moves on.
#[tokio::test]
async fn scores_decay_in_the_background_without_smtp() {
    let app = spawn_app().await;
    let staff = app.staff_browser("associate").await;
    let id = customer(&app, &staff, "Quiet Quinn", "c-quiet").await;
    sqlx::query(
        "UPDATE customers SET loyalty_score = 99, loyalty_segment = 'advocate', loyalty_at = 0 WHERE id = $1",
    )
    .bind(id)
    .execute(&app.db)
    .await
    .unwrap();
    app.advance(std::time::Duration::from_secs(61)).await;
    let (score, segment, at): (i64, String, i64) = sqlx::query_as(
        "SELECT loyalty_score, loyalty_segment, loyalty_at FROM customers WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(at > 0, "the stale score was not recomputed");
    assert_ne!((score, segment.as_str()), (99, "advocate"));
}
