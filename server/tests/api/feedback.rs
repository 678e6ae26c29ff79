//! Feedback from the API, survey links and staff; the detector's verdicts; follow-ups from
//! opening to closing; the managers' digest.
use crate::helpers::*;
use reqwest::Client;
use serde_json::{json, Value};

/// Where the API takes answers.
const FEEDBACK: &str = "/api/v1/feedback";

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
    let res = app.api_post(&token, FEEDBACK, &batch).await;
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
    let one: Value = ok_json(app.api_get(&token, &format!("/api/v1/feedback/{id}")).await).await;
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
    let again: Value = ok_json(app.api_post(&token, FEEDBACK, &batch).await).await;
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
    let res = app.api_post(&token, FEEDBACK, &batch).await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("2 of 3 answers are invalid"));
    assert_eq!(
        item_errors(&body),
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
    let res = app
        .api_post(
            &token,
            FEEDBACK,
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
        assert_eq!(app.api_post(&token, FEEDBACK, &bad).await.status(), 400);
    }
    assert_eq!(
        app.api_post(
            "em_not-a-token",
            FEEDBACK,
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
    let incident = log_incident_with(&app, &second_client, &[("description", "Late parcel")]).await;
    let mut about = answer("a-1", "c-1001", "csat", 3, "It was ok");
    about["incident"] = json!(incident);
    let body: Value = ok_json(app.api_post(&token, FEEDBACK, &json!([about])).await).await;
    let on_incident = body["items"][0]["follow_up"]["id"].as_i64().unwrap();
    assert_eq!(assignee_of(&app, on_incident).await, Some(second));

    // Without an incident: associates in turn, never the manager.
    let body: Value = ok_json(
        app.api_post(
            &token,
            FEEDBACK,
            &json!([
                answer("r-1", "c-1001", "nps", 7, ""),
                answer("r-2", "c-1001", "nps", 8, ""),
                answer("r-3", "c-1001", "nps", 7, "")
            ]),
        )
        .await,
    )
    .await;
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
    log_incident_with(
        &app,
        &staff,
        &[("source", "staff"), ("description", "Damaged box")],
    )
    .await;
    let res = give_feedback(&app, &staff, &[("comment", "Lovely, thanks!")]).await;
    let id: i64 = ok_json(res).await;
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
    let bad = [
        ("score_type", "nps"),
        ("score", "12"),
        ("received_at", "soon"),
    ];
    let res = give_feedback(&app, &staff, &bad).await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    let fields = field_errors(&body);
    assert!(
        fields.contains(&"score".into()) && fields.contains(&"received_at".into()),
        "{body}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM feedback").await, 1);
}

/// Answers the survey behind `token` as the app's survey page does.
async fn answer_survey(
    app: &TestApp,
    visitor: &Client,
    token: &str,
    score: &str,
    comment: &str,
) -> reqwest::Response {
    let form = [("token", token), ("score", score), ("comment", comment)];
    app.call(visitor, "surveys/answer", &form).await
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
    let view: Value = app.call_json(staff, "surveys/list", &[]).await;
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
    let survey = format!("/s/{token}");

    // Opening the link (as a mail scanner would, several times) records nothing.
    let visitor = browser();
    for _ in 0..3 {
        let page = app.get(&visitor, &survey).await;
        assert_eq!(page.status(), 200);
        assert!(page
            .text()
            .await
            .unwrap()
            .contains("How satisfied were you with our service?"));
    }
    let open: Value = app
        .call_json(&visitor, "surveys/open", &[("token", &token)])
        .await;
    assert_eq!(open["Open"]["first_name"], "Dana");
    assert_eq!(app.count("SELECT COUNT(*) FROM feedback").await, 0);

    // Submitted as a plain form (no JavaScript): a missing score goes back to the page with
    // the error; a good answer is recorded, then the page thanks them.
    let form_post = |fields: Vec<(&'static str, &'static str)>| {
        let (app, visitor, token, survey) = (&app, &visitor, &token, &survey);
        async move {
            let mut form = vec![("token", token.as_str())];
            form.extend(fields);
            app.submit_form(visitor, "surveys/answer", survey, &form)
                .await
        }
    };
    let res = form_post(vec![("comment", "Good")]).await;
    assert!(res.status().is_redirection());
    assert!(location(&res).contains("__err="), "{}", location(&res));
    assert_eq!(app.count("SELECT COUNT(*) FROM feedback").await, 0);
    let res = form_post(vec![("score", "4"), ("comment", "Good")]).await;
    assert!(res.status().is_redirection());
    assert_eq!(location(&res), survey);
    let thanks = app.page_text(&visitor, &survey).await;
    assert!(thanks.contains("Thank you!"));
    let (channel, assessment): (String, String) =
        app.row("SELECT channel, assessment FROM feedback").await;
    assert_eq!(
        (channel.as_str(), assessment.as_str()),
        ("survey", "lukewarm")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM follow_ups").await, 1);

    // A second answer is refused and changes nothing.
    let again = answer_survey(&app, &visitor, &token, "1", "Changed my mind").await;
    assert_eq!(again.status(), 409);
    assert_eq!(app.count("SELECT COUNT(*) FROM feedback").await, 1);

    // Expired and unknown links.
    let old = survey_token(&app, &staff, "c-1001").await;
    sqlx::query("UPDATE survey_links SET expires_at = 1 WHERE answered_at IS NULL")
        .execute(&app.db)
        .await
        .unwrap();
    let expired = answer_survey(&app, &visitor, &old, "5", "").await;
    assert_eq!(expired.status(), 409);
    assert!(expired.text().await.unwrap().contains("expired"));
    let page = app.page_text(&visitor, &format!("/s/{old}")).await;
    assert!(page.contains("This survey has closed"));
    assert_eq!(
        answer_survey(&app, &visitor, "nope", "5", "")
            .await
            .status(),
        404
    );
    // Out-of-range scores are refused.
    let fresh = survey_token(&app, &staff, "c-1001").await;
    assert_eq!(
        answer_survey(&app, &visitor, &fresh, "9", "")
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
        last = answer_survey(&app, &visitor, "nope", "5", "")
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
    let id = log_incident(&app, &staff, "c-1001", "complaint").await;
    let resolved = resolve(&app, &staff, id, "Courier", "Customer happy").await;
    assert_eq!(resolved.status(), 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM survey_links WHERE incident_id IS NOT NULL")
            .await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM email_outbox WHERE subject = 'How did we do?' AND to_address = 'c-1001@example.com'").await, 1);
    reopen(&app, &staff, id, "Again").await;
    resolve(&app, &staff, id, "Courier", "Customer happy").await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM survey_links").await,
        1,
        "one survey per incident"
    );
}

async fn lukewarm_follow_up(app: &TestApp, staff: &Client) -> (i64, String) {
    customer(app, staff, "Dana Reyes", "c-1001").await;
    let res = give_feedback(app, staff, &[("score", "4"), ("comment", "Good.")]).await;
    assert_eq!(res.status(), 200);
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
        .call_json(&staff, "follow-ups/get", &[("id", &sid)])
        .await;
    assert_eq!(detail["row"]["assessment"], "lukewarm");
    assert!(
        !detail["questions"].as_array().unwrap().is_empty(),
        "probing questions are suggested"
    );
    let queue: Value = app
        .call_json(
            &staff,
            "follow-ups/list",
            &[("queue", "team"), ("page", "1")],
        )
        .await;
    assert_eq!(queue["items"][0]["id"], id);

    // Unreachable needs three unanswered attempts.
    let call_attempt = |reached: &'static str| {
        let (app, staff, sid) = (&app, &staff, &sid);
        async move {
            let form = [
                ("id", sid.as_str()),
                ("channel", "phone"),
                ("at", ""),
                ("reached", reached),
                ("note", ""),
            ];
            app.call(staff, "follow-ups/attempt", &form).await.status()
        }
    };
    let close = |outcome: &'static str, said: &'static str, sentiment: &'static str| {
        let (app, staff, sid) = (&app, &staff, &sid);
        async move {
            let form = [
                ("id", sid.as_str()),
                ("outcome", outcome),
                ("customer_said", said),
                ("true_sentiment", sentiment),
            ];
            app.call(staff, "follow-ups/close", &form).await
        }
    };
    assert_eq!(call_attempt("no").await, 200);
    let early = close("unreachable", "", "").await;
    assert_eq!(early.status(), 422);
    assert!(early.text().await.unwrap().contains("at least 3 attempts"));
    assert_eq!(call_attempt("maybe").await, 422);

    // Reached: the truth is written down. Closing needs what they said and how they felt.
    assert_eq!(call_attempt("yes").await, 200);
    let missing = close("problem_found", "", "").await;
    assert_eq!(missing.status(), 422);
    let said = "The parcel was two days late and the box was crushed.";
    let closed = close("problem_found", said, "negative").await;
    assert_eq!(closed.status(), 200);
    let twice = close("genuinely_fine", "x", "positive").await;
    assert_eq!(twice.status(), 409);

    // The incident opened from it is linked both ways.
    let incident =
        log_incident_with(&app, &staff, &[("description", said), ("follow_up", &sid)]).await;
    let detail: Value = app
        .call_json(&staff, "follow-ups/get", &[("id", &sid)])
        .await;
    assert_eq!(detail["opened_incident_id"], incident);
    assert_eq!(detail["row"]["outcome"], "problem_found");
    assert_eq!(detail["attempts"].as_array().unwrap().len(), 2);
    let timeline: Value = app
        .call_json(&staff, "incidents/get", &[("id", &incident.to_string())])
        .await;
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
        .call_json(
            &associate,
            "follow-ups/list",
            &[("queue", "team"), ("page", "1")],
        )
        .await;
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
        app.get(&associate, "/follow-ups/settings").await.status(),
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
        .call_json(&associate, "follow-ups/get", &[("id", &sid.to_string())])
        .await;
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
        .call_json(
            &staff,
            "feedback/customer",
            &[("customer_id", &customer.to_string())],
        )
        .await;
    assert_eq!(view["feedback"][0]["comment"], "Good.");
    assert_eq!(view["follow_ups"].as_array().unwrap().len(), 1);
    let page = app
        .page_text(&staff, &format!("/customers/{customer}"))
        .await;
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
