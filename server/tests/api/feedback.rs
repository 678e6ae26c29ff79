//! Feedback from the API, survey links and staff; the detector's verdicts; follow-ups from
//! opening to closing; the managers' digest.
use crate::helpers::*;
use reqwest::Client;
use serde_json::{json, Value};

/// Logs a delivery incident for c-1001; `follow_up` names the follow-up it comes from.
async fn log_incident(
    app: &TestApp,
    client: &Client,
    source: &str,
    description: &str,
    follow_up: &str,
) -> i64 {
    let category: i64 =
        sqlx::query_scalar("SELECT id FROM incident_categories WHERE name = 'Delivery'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let res = app
        .call(
            client,
            "incidents/create",
            &[
                ("customer", "c-1001"),
                ("new_customer_name", ""),
                ("category_id", &category.to_string()),
                ("severity", ""),
                ("source", source),
                ("occurred_at", ""),
                ("subject_ref", ""),
                ("description", description),
                ("follow_up", follow_up),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn post(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/v1/feedback"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

fn answer(key: &str, customer: &str, kind: &str, score: i64, comment: &str) -> Value {
    json!({"idempotency_key": key, "customer": customer, "score_type": kind, "score": score, "comment": comment,
           "channel": "survey", "received_at": "2026-11-20T09:00:00Z", "incident": null})
}

fn reasons(item: &Value) -> Vec<String> {
    item["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["text"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_api_assesses_each_answer_and_opens_follow_ups_idempotently() {
    let app = spawn_app().await;
    let staff = app.staff_browser("associate").await;
    customer(&app, &staff, "Dana Reyes", "c-1001").await;
    let token = api_token(&app, "Survey tool").await;
    let batch = json!([
        answer("svy-1", "c-1001", "nps", 7, "Good."),
        answer(
            "svy-2",
            "c-1001@example.com",
            "nps",
            10,
            "Absolutely brilliant, thank you!"
        ),
        answer(
            "svy-3",
            "c-1001",
            "csat",
            1,
            "Never arrived and nobody answers the phone."
        ),
    ]);
    let res = post(&app, &token, &batch).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);

    assert_eq!(items[0]["assessment"], "lukewarm");
    assert_eq!(
        reasons(&items[0]),
        vec!["passive NPS (7)", "bland comment: 'Good.'"]
    );
    assert!(items[0]["follow_up"]["id"].as_i64().is_some());
    assert_eq!(items[0]["status"], "stored");

    assert_eq!(items[1]["assessment"], "fine");
    assert!(items[1]["follow_up"].is_null());

    assert_eq!(items[2]["assessment"], "unhappy");
    assert!(reasons(&items[2]).contains(&"low satisfaction (1 of 5)".to_string()));
    // Unhappy answers are due sooner than lukewarm ones.
    assert!(
        items[2]["follow_up"]["due_at"].as_str().unwrap()
            < items[0]["follow_up"]["due_at"].as_str().unwrap()
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM follow_ups").await, 2);

    // Read back: the same assessment, reasons and follow-up.
    let id = items[0]["id"].as_i64().unwrap();
    let one: Value = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/feedback/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&one["assessment"], &one["reasons"], &one["follow_up"]),
        (
            &items[0]["assessment"],
            &items[0]["reasons"],
            &items[0]["follow_up"]
        )
    );
    assert_eq!(one["customer"], "c-1001");

    // Re-sent: nothing new, the same ids.
    let again: Value = post(&app, &token, &batch).await.json().await.unwrap();
    for (a, b) in again["items"].as_array().unwrap().iter().zip(items) {
        assert_eq!(
            (a["id"].clone(), a["status"].clone()),
            (b["id"].clone(), json!("duplicate"))
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM feedback").await, 3);
    assert_eq!(app.count("SELECT COUNT(*) FROM follow_ups").await, 2);
}

#[tokio::test]
async fn a_bad_batch_is_refused_whole_with_per_item_errors() {
    let app = spawn_app().await;
    let staff = app.staff_browser("associate").await;
    customer(&app, &staff, "Dana Reyes", "c-1001").await;
    let token = api_token(&app, "Survey tool").await;
    let batch = json!([
        answer("ok-1", "c-1001", "nps", 9, "Great"),
        answer("bad-1", "c-1001", "nps", 11, "Too high"),
        {"idempotency_key": "bad-2", "customer": "c-1001", "score_type": "stars", "score": 3},
    ]);
    let res = post(&app, &token, &batch).await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("2 of 3 answers are invalid"));
    let problems: Vec<(i64, String)> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["index"].as_i64().unwrap(),
                i["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        vec![(1, "score".into()), (2, "score_type".into())]
    );

    // Unknown customers and other customers' incidents are caught before anything is written.
    let other = customer(&app, &staff, "Mei Chen", "c-1004").await;
    let incident: i64 = sqlx::query_scalar(
        "INSERT INTO incidents (customer_id, category_id, severity, source, status, description, occurred_at, detected_at, proactive, created_at, updated_at)
         VALUES ($1, 1, 'minor', 'staff', 'open', 'x', 0, 0, 1, 0, 0) RETURNING id",
    )
    .bind(other)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let mut wrong = answer("ok-2", "c-1001", "csat", 5, "Fine");
    wrong["incident"] = json!(incident);
    let res = post(
        &app,
        &token,
        &json!([
            answer("ok-1", "c-1001", "nps", 9, "Great"),
            answer("x", "nobody", "nps", 9, ""),
            wrong
        ]),
    )
    .await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["items"][0]["field"], "customer");
    assert_eq!(body["items"][1]["field"], "incident");

    for bad in [json!({}), json!([]), json!("x")] {
        assert_eq!(post(&app, &token, &bad).await.status(), 400);
    }
    assert_eq!(
        post(
            &app,
            "em_not-a-token",
            &json!([answer("z", "c-1001", "nps", 9, "")])
        )
        .await
        .status(),
        401
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM feedback").await, 0);
}

async fn assignee_of(app: &TestApp, follow_up: i64) -> Option<i64> {
    sqlx::query_scalar("SELECT assignee_id FROM follow_ups WHERE id = $1")
        .bind(follow_up)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn follow_ups_go_to_the_incidents_associate_else_to_associates_in_turn() {
    let app = spawn_app().await;
    let (first, first_client) = staff_with_id(&app, "associate").await;
    let (second, second_client) = staff_with_id(&app, "associate").await;
    staff_with_id(&app, "manager").await;
    customer(&app, &first_client, "Dana Reyes", "c-1001").await;
    let token = api_token(&app, "Survey tool").await;
    // The second associate logs an incident: it is theirs, so is the follow-up about it.
    let incident = log_incident(&app, &second_client, "complaint", "Late parcel", "").await;
    let mut about = answer("a-1", "c-1001", "csat", 3, "It was ok");
    about["incident"] = json!(incident);
    let body: Value = post(&app, &token, &json!([about]))
        .await
        .json()
        .await
        .unwrap();
    let on_incident = body["items"][0]["follow_up"]["id"].as_i64().unwrap();
    assert_eq!(assignee_of(&app, on_incident).await, Some(second));

    // Without an incident: associates in turn, never the manager.
    let body: Value = post(
        &app,
        &token,
        &json!([
            answer("r-1", "c-1001", "nps", 7, ""),
            answer("r-2", "c-1001", "nps", 8, ""),
            answer("r-3", "c-1001", "nps", 7, "")
        ]),
    )
    .await
    .json()
    .await
    .unwrap();
    let mut turns = Vec::new();
    for item in body["items"].as_array().unwrap() {
        turns.push(
            assignee_of(&app, item["follow_up"]["id"].as_i64().unwrap())
                .await
                .unwrap(),
        );
    }
    assert_eq!(turns, vec![first, second, first]);
}

#[tokio::test]
async fn praise_during_an_unresolved_incident_still_gets_a_follow_up() {
    let app = spawn_app().await;
    let staff = app.staff_browser("associate").await;
    customer(&app, &staff, "Dana Reyes", "c-1001").await;
    log_incident(&app, &staff, "staff", "Damaged box", "").await;
    let res = app
        .call(
            &staff,
            "feedback/create",
            &[
                ("customer", "c-1001"),
                ("channel", "phone"),
                ("score_type", "csat"),
                ("score", "5"),
                ("comment", "Lovely, thanks!"),
                ("received_at", ""),
                ("incident", ""),
                ("order_ref", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let id: i64 = res.json().await.unwrap();
    let (assessment, reasons): (String, String) =
        sqlx::query_as("SELECT assessment, reasons FROM feedback WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(assessment, "lukewarm");
    assert!(
        reasons.contains("unresolved incident in the last 30 days"),
        "{reasons}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM follow_ups").await, 1);

    // A bad form changes nothing and names the fields.
    let res = app
        .call(
            &staff,
            "feedback/create",
            &[
                ("customer", "c-1001"),
                ("channel", "phone"),
                ("score_type", "nps"),
                ("score", "12"),
                ("comment", ""),
                ("received_at", "soon"),
                ("incident", ""),
                ("order_ref", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let text = res.text().await.unwrap();
    assert!(
        text.contains("score") && text.contains("received_at"),
        "{text}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM feedback").await, 1);
}

async fn survey_token(app: &TestApp, staff: &Client, customer: &str) -> String {
    let res = app
        .call(
            staff,
            "surveys/create",
            &[
                ("customer", customer),
                ("score_type", "csat"),
                ("incident", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let view: Value = app
        .call(staff, "surveys/list", &[])
        .await
        .json()
        .await
        .unwrap();
    let link = view["revealed_link"]
        .as_str()
        .expect("the new link is shown once")
        .to_string();
    link.rsplit('/').next().unwrap().to_string()
}

#[tokio::test]
async fn a_survey_link_records_only_on_submit_and_only_once() {
    let app = spawn_app().await;
    let staff = app.staff_browser("associate").await;
    customer(&app, &staff, "Dana Reyes", "c-1001").await;
    let token = survey_token(&app, &staff, "c-1001").await;

    // Opening the link (as a mail scanner would, several times) records nothing.
    let visitor = browser();
    for _ in 0..3 {
        let page = visitor
            .get(app.url(&format!("/s/{token}")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        assert!(page
            .text()
            .await
            .unwrap()
            .contains("How satisfied were you with our service?"));
    }
    let open: Value = app
        .call(&visitor, "surveys/open", &[("token", &token)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(open["Open"]["first_name"], "Dana");
    assert_eq!(app.count("SELECT COUNT(*) FROM feedback").await, 0);

    // Submitted as a plain form (no JavaScript): a missing score goes back to the page with
    // the error; a good answer is recorded, then the page thanks them.
    let form_post = |fields: Vec<(&'static str, String)>| {
        visitor
            .post(app.url("/fn/surveys/answer"))
            .header("accept", "text/html")
            .header("referer", app.url(&format!("/s/{token}")))
            .form(&fields)
            .send()
    };
    let res = form_post(vec![("token", token.clone()), ("comment", "Good".into())])
        .await
        .unwrap();
    assert!(res.status().is_redirection());
    assert!(location(&res).contains("__err="), "{}", location(&res));
    assert_eq!(app.count("SELECT COUNT(*) FROM feedback").await, 0);
    let res = form_post(vec![
        ("token", token.clone()),
        ("score", "4".into()),
        ("comment", "Good".into()),
    ])
    .await
    .unwrap();
    assert!(res.status().is_redirection());
    assert_eq!(location(&res), format!("/s/{token}"));
    let thanks = visitor
        .get(app.url(&format!("/s/{token}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(thanks.contains("Thank you!"));
    let (channel, assessment): (String, String) =
        sqlx::query_as("SELECT channel, assessment FROM feedback")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        (channel.as_str(), assessment.as_str()),
        ("survey", "lukewarm")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM follow_ups").await, 1);

    // A second answer is refused and changes nothing.
    let again = app
        .call(
            &visitor,
            "surveys/answer",
            &[
                ("token", &token),
                ("score", "1"),
                ("comment", "Changed my mind"),
            ],
        )
        .await;
    assert_eq!(again.status(), 409);
    assert_eq!(app.count("SELECT COUNT(*) FROM feedback").await, 1);

    // Expired and unknown links.
    let old = survey_token(&app, &staff, "c-1001").await;
    sqlx::query("UPDATE survey_links SET expires_at = 1 WHERE answered_at IS NULL")
        .execute(&app.db)
        .await
        .unwrap();
    let expired = app
        .call(
            &visitor,
            "surveys/answer",
            &[("token", &old), ("score", "5"), ("comment", "")],
        )
        .await;
    assert_eq!(expired.status(), 409);
    assert!(expired.text().await.unwrap().contains("expired"));
    let page = visitor
        .get(app.url(&format!("/s/{old}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("This survey has closed"));
    assert_eq!(
        app.call(
            &visitor,
            "surveys/answer",
            &[("token", "nope"), ("score", "5"), ("comment", "")]
        )
        .await
        .status(),
        404
    );
    // Out-of-range scores are refused.
    let fresh = survey_token(&app, &staff, "c-1001").await;
    assert_eq!(
        app.call(
            &visitor,
            "surveys/answer",
            &[("token", &fresh), ("score", "9"), ("comment", "")]
        )
        .await
        .status(),
        422
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM feedback").await, 1);
}

#[tokio::test]
async fn survey_answers_are_rate_limited_per_address() {
    let app = spawn_app().await;
    let visitor = browser();
    let mut last = 0;
    for _ in 0..21 {
        last = app
            .call(
                &visitor,
                "surveys/answer",
                &[("token", "nope"), ("score", "5"), ("comment", "")],
            )
            .await
            .status()
            .as_u16();
    }
    assert_eq!(last, 429);
}

#[tokio::test]
async fn resolving_an_incident_emails_the_customer_a_survey_once() {
    let app = spawn_app().await;
    let staff = app.staff_browser("associate").await;
    customer(&app, &staff, "Dana Reyes", "c-1001").await;
    let id = log_incident(&app, &staff, "complaint", "Late", "").await;
    let id = id.to_string();
    let resolve = [
        ("id", id.as_str()),
        ("root_cause", "Courier"),
        ("no_action_reason", "Customer happy"),
    ];
    assert_eq!(
        app.call(&staff, "incidents/resolve", &resolve)
            .await
            .status(),
        200
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM survey_links WHERE incident_id IS NOT NULL")
            .await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM email_outbox WHERE subject = 'How did we do?' AND to_address = 'c-1001@example.com'").await, 1);
    app.call(
        &staff,
        "incidents/reopen",
        &[("id", id.as_str()), ("reason", "Again")],
    )
    .await;
    app.call(&staff, "incidents/resolve", &resolve).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM survey_links").await,
        1,
        "one survey per incident"
    );
}

async fn lukewarm_follow_up(app: &TestApp, staff: &Client) -> (i64, String) {
    customer(app, staff, "Dana Reyes", "c-1001").await;
    app.call(
        staff,
        "feedback/create",
        &[
            ("customer", "c-1001"),
            ("channel", "phone"),
            ("score_type", "csat"),
            ("score", "4"),
            ("comment", "Good."),
            ("received_at", ""),
            ("incident", ""),
            ("order_ref", ""),
        ],
    )
    .await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM follow_ups")
        .fetch_one(&app.db)
        .await
        .unwrap();
    (id, id.to_string())
}

#[tokio::test]
async fn a_follow_up_is_worked_to_the_truth_and_can_open_an_incident() {
    let app = spawn_app().await;
    let staff = app.staff_browser("associate").await;
    let (id, sid) = lukewarm_follow_up(&app, &staff).await;
    let detail: Value = app
        .call(&staff, "follow-ups/get", &[("id", &sid)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["row"]["assessment"], "lukewarm");
    assert!(
        !detail["questions"].as_array().unwrap().is_empty(),
        "probing questions are suggested"
    );
    let queue: Value = app
        .call(
            &staff,
            "follow-ups/list",
            &[("queue", "team"), ("page", "1")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue["items"][0]["id"], id);

    // Unreachable needs three unanswered attempts.
    let attempt = |reached: &'static str| {
        [
            ("id", sid.clone()),
            ("channel", "phone".into()),
            ("at", "".into()),
            ("reached", reached.into()),
            ("note", "".into()),
        ]
    };
    let call_attempt = |reached: &'static str| {
        let form = attempt(reached);
        let staff = &staff;
        let app = &app;
        async move {
            let f: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call(staff, "follow-ups/attempt", &f).await.status()
        }
    };
    assert_eq!(call_attempt("no").await, 200);
    let early = app
        .call(
            &staff,
            "follow-ups/close",
            &[
                ("id", &sid),
                ("outcome", "unreachable"),
                ("customer_said", ""),
                ("true_sentiment", ""),
            ],
        )
        .await;
    assert_eq!(early.status(), 422);
    assert!(early.text().await.unwrap().contains("at least 3 attempts"));
    assert_eq!(call_attempt("maybe").await, 422);

    // Reached: the truth is written down. Closing needs what they said and how they felt.
    assert_eq!(call_attempt("yes").await, 200);
    let missing = app
        .call(
            &staff,
            "follow-ups/close",
            &[
                ("id", &sid),
                ("outcome", "problem_found"),
                ("customer_said", ""),
                ("true_sentiment", ""),
            ],
        )
        .await;
    assert_eq!(missing.status(), 422);
    let said = "The parcel was two days late and the box was crushed.";
    let closed = app
        .call(
            &staff,
            "follow-ups/close",
            &[
                ("id", &sid),
                ("outcome", "problem_found"),
                ("customer_said", said),
                ("true_sentiment", "negative"),
            ],
        )
        .await;
    assert_eq!(closed.status(), 200);
    let twice = app
        .call(
            &staff,
            "follow-ups/close",
            &[
                ("id", &sid),
                ("outcome", "genuinely_fine"),
                ("customer_said", "x"),
                ("true_sentiment", "positive"),
            ],
        )
        .await;
    assert_eq!(twice.status(), 409);

    // The incident opened from it is linked both ways.
    let incident = log_incident(&app, &staff, "complaint", said, &sid).await;
    let detail: Value = app
        .call(&staff, "follow-ups/get", &[("id", &sid)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["opened_incident_id"], incident);
    assert_eq!(detail["row"]["outcome"], "problem_found");
    assert_eq!(detail["attempts"].as_array().unwrap().len(), 2);
    let timeline: Value = app
        .call(&staff, "incidents/get", &[("id", &incident.to_string())])
        .await
        .json()
        .await
        .unwrap();
    assert!(timeline["timeline"]
        .to_string()
        .contains(&format!("follow-up #{id}")));
}

#[tokio::test]
async fn queues_and_settings_respect_roles() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    let manager = app.staff_browser("manager").await;
    lukewarm_follow_up(&app, &associate).await;
    let (customer, _) = app.customer_browser().await;
    let list = [
        ("assessment", ""),
        ("score_type", ""),
        ("channel", ""),
        ("customer", ""),
        ("week", ""),
        ("q", ""),
        ("page", "1"),
    ];
    assert_eq!(
        app.call(&customer, "feedback/list", &list).await.status(),
        403
    );
    assert_eq!(
        app.call(&browser(), "feedback/list", &list).await.status(),
        401
    );
    assert_eq!(
        app.call(
            &customer,
            "follow-ups/list",
            &[("queue", "team"), ("page", "1")]
        )
        .await
        .status(),
        403
    );

    let team: Value = app
        .call(
            &associate,
            "follow-ups/list",
            &[("queue", "team"), ("page", "1")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(team["total"], 1);
    let questions = [
        ("code", "bland"),
        (
            "questions",
            "What one thing would you change?\n\nWas anything late?",
        ),
    ];
    assert_eq!(
        app.call(&associate, "follow-ups/questions/save", &questions)
            .await
            .status(),
        403
    );
    assert_eq!(
        associate
            .get(app.url("/follow-ups/settings"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        app.call(&manager, "follow-ups/questions/save", &questions)
            .await
            .status(),
        200
    );
    let sid: i64 = sqlx::query_scalar("SELECT id FROM follow_ups")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let detail: Value = app
        .call(&associate, "follow-ups/get", &[("id", &sid.to_string())])
        .await
        .json()
        .await
        .unwrap();
    assert!(
        detail["questions"]
            .to_string()
            .contains("What one thing would you change?"),
        "{}",
        detail["questions"]
    );
    assert_eq!(
        app.call(
            &manager,
            "follow-ups/questions/save",
            &[("code", "bland"), ("questions", "  ")]
        )
        .await
        .status(),
        422
    );
    let levels = [
        ("lukewarm_days", "0"),
        ("unhappy_days", "1"),
        ("unreachable_after", "3"),
        ("survey_days", "14"),
    ];
    assert_eq!(
        app.call(&manager, "follow-ups/settings/save", &levels)
            .await
            .status(),
        422
    );
}

#[tokio::test]
async fn due_dates_count_working_days_only() {
    let app = spawn_app().await;
    let staff = app.staff_browser("associate").await;
    lukewarm_follow_up(&app, &staff).await;
    let (opened, due): (i64, i64) = sqlx::query_as("SELECT opened_at, due_at FROM follow_ups")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        due,
        app::feedback::due::add_working_days(opened, 2, chrono_tz::Tz::UTC)
    );
    let calendar_days = (due - opened) as f64 / 86_400_000.0;
    assert!((2.0..=4.5).contains(&calendar_days), "{calendar_days}");
}

#[tokio::test]
async fn managers_get_one_digest_of_overdue_follow_ups_a_day() {
    let app = spawn_app().await;
    let staff = app.staff_browser("associate").await;
    app.staff("manager").await;
    app.staff("admin").await;
    lukewarm_follow_up(&app, &staff).await;
    let day = 86_400_000;
    let morning = (app::db::now_ms() / day + 7) * day + 8 * 3_600_000;
    let digest = |at: i64| {
        app::feedback::follow_ups::queue_daily_digest(&app.db, at, "https://cx.example.com")
    };
    assert_eq!(
        digest(morning - 2 * 3_600_000).await.unwrap(),
        0,
        "not before 07:00"
    );
    assert_eq!(
        digest(morning).await.unwrap(),
        2,
        "one email per manager and admin"
    );
    assert_eq!(digest(morning + 3_600_000).await.unwrap(), 0, "once a day");
    let body: String = sqlx::query_scalar(
        "SELECT body FROM email_outbox WHERE subject LIKE '%overdue follow-up%' LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(
        body.contains("Dana Reyes") && body.contains("https://cx.example.com/follow-ups/"),
        "{body}"
    );
}

#[tokio::test]
async fn the_customer_page_lists_their_feedback_and_follow_ups() {
    let app = spawn_app().await;
    let staff = app.staff_browser("associate").await;
    lukewarm_follow_up(&app, &staff).await;
    let customer: i64 =
        sqlx::query_scalar("SELECT id FROM customers WHERE external_ref = 'c-1001'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let view: Value = app
        .call(
            &staff,
            "feedback/customer",
            &[("customer_id", &customer.to_string())],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["feedback"][0]["comment"], "Good.");
    assert_eq!(view["follow_ups"].as_array().unwrap().len(), 1);
    let page = staff
        .get(app.url(&format!("/customers/{customer}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Feedback and follow-ups"));
}

#[tokio::test]
async fn the_navigation_badge_counts_my_open_follow_ups_and_overdue_ones_up_to_its_cap() {
    let app = spawn_app().await;
    let (me, client) = staff_with_id(&app, "associate").await;
    let customer = customer(&app, &client, "Ada Park", "c-badge").await;
    let now = app::db::now_ms();
    // Three of mine due tomorrow; 105 of nobody's a day overdue.
    for n in 0..108 {
        let (assignee, due) = if n < 3 {
            (me.to_string(), now + 86_400_000)
        } else {
            ("NULL".to_string(), now - 86_400_000)
        };
        sqlx::query(&format!(
            "INSERT INTO feedback (customer_id, channel, score_type, score, received_at,
               assessment, reasons, entered_by_label, created_at)
             VALUES ({customer}, 'phone', 'csat', 3, {now}, 'lukewarm', '', 'test', {now})"
        ))
        .execute(&app.db)
        .await
        .unwrap();
        sqlx::query(&format!(
            "INSERT INTO follow_ups (feedback_id, customer_id, assignee_id, assessment, status,
               opened_at, due_at, updated_at)
             SELECT MAX(id), {customer}, {assignee}, 'lukewarm', 'open', {now}, {due}, {now} FROM feedback"
        ))
        .execute(&app.db)
        .await
        .unwrap();
    }
    let res = app.call(&client, "follow-ups/counts", &[]).await;
    assert_eq!(res.status(), 200);
    let counts: Value = res.json().await.unwrap();
    assert_eq!(counts, json!({"mine": 3, "overdue": 100}));
    let page = app.page_text(&client, "/follow-ups").await;
    assert!(
        page.contains(r#"title="Overdue" class="count count-alert">99+</span>"#),
        "{page}"
    );
}
