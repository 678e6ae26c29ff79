//! `GET /incidents.csv`, `/feedback.csv` and `/follow-ups.csv`: a list with the filters in
//! view, as CSV, streamed in chunks; what a spreadsheet would run as a formula is defused.
use crate::helpers::*;

const HOUR: i64 = 3_600_000;

#[tokio::test]
async fn the_incidents_list_exports_every_matching_row_once_with_its_filters() {
    let app = spawn_app().await;
    let (me, staff) = staff_with_id(&app, "associate").await;
    customer(&app, &staff, "Dana, \"the\" Reyes", "c-1").await;
    let id = log_incident_with(
        &app,
        &staff,
        &[
            ("customer", "c-1"),
            ("source", "complaint"),
            ("description", "=HYPERLINK(\"http://evil\")"),
        ],
    )
    .await;
    sqlx::query("UPDATE incidents SET assignee_id = $1 WHERE id = $2")
        .bind(me)
        .bind(id)
        .execute(&app.db)
        .await
        .unwrap();
    // 1,201 more, several per moment, so the walk crosses chunks and ties on detection time.
    let start: i64 = 1_790_000_000_000;
    for n in 0..1_201_i64 {
        sqlx::query(
            "INSERT INTO incidents (customer_id, category_id, severity, source, status, description,
                 occurred_at, detected_at, proactive, created_at, updated_at)
             SELECT customer_id, category_id, severity, source, 'resolved', 'Copy', $1, $1, 0, $1, $1
             FROM incidents WHERE id = $2",
        )
        .bind(start + (n / 3) * HOUR)
        .bind(id)
        .execute(&app.db)
        .await
        .unwrap();
    }

    let res = app.get(&staff, "/incidents.csv").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = res.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("id,customer,category"));
    assert_eq!(lines.len(), 1 + 1_202, "every incident once");
    let ids: std::collections::BTreeSet<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 1_202, "no row twice");

    // The filters in view narrow it: the one open incident, assigned to me.
    let text = app
        .get(&staff, &format!("/incidents.csv?status=open&assignee={me}"))
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[1].starts_with(&format!("{id},\"Dana, \"\"the\"\" Reyes\",")));
    assert!(
        lines[1].contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
        "a formula is defused: {}",
        lines[1]
    );

    assert_eq!(
        app.get(&staff, "/incidents.csv?resolved_week=2026-W99")
            .await
            .status(),
        422
    );
    let anonymous = browser();
    let res = app.get(&anonymous, "/incidents.csv").await;
    assert!(res.status().is_redirection() || res.url().path() == "/login");
    let (customer_client, _) = app.customer_browser().await;
    let res = app.get(&customer_client, "/incidents.csv").await;
    assert!(!res.text().await.unwrap().starts_with("id,"));
}

#[tokio::test]
async fn feedback_and_follow_ups_export_every_matching_row_once_with_their_filters() {
    let app = spawn_app().await;
    let (me, staff) = staff_with_id(&app, "associate").await;
    let token = api_token(&app, "Exports").await;
    customer(&app, &staff, "Dana Reyes", "c-1").await;
    let answers = serde_json::json!([
        {"idempotency_key": "x-1", "customer": "c-1", "score_type": "csat", "score": 2,
         "channel": "survey", "incident": null, "comment": "=cmd|' /C calc'!A0"},
        {"idempotency_key": "x-2", "customer": "c-1", "score_type": "nps", "score": 10,
         "channel": "survey", "incident": null, "comment": "Lovely, thanks"}
    ]);
    let res = app.api_post(&token, "/api/v1/feedback", &answers).await;
    assert_eq!(res.status(), 200);
    let (unhappy, follow_up): (i64, i64) = sqlx::query_as("SELECT feedback_id, id FROM follow_ups")
        .fetch_one(&app.db)
        .await
        .unwrap();
    sqlx::query("UPDATE follow_ups SET assignee_id = $1")
        .bind(me)
        .execute(&app.db)
        .await
        .unwrap();
    // 1,100 more answers, several per moment, so the walk crosses chunks and ties on time.
    let start: i64 = 1_790_000_000_000;
    for n in 0..1_100_i64 {
        sqlx::query(
            "INSERT INTO feedback (customer_id, channel, score_type, score, comment, received_at,
                 assessment, reasons, entered_by_label, created_at)
             SELECT customer_id, channel, score_type, score, 'Copy', $1, assessment, reasons,
                 entered_by_label, $1 FROM feedback WHERE idempotency_key = 'x-2'",
        )
        .bind(start + (n / 4) * HOUR)
        .execute(&app.db)
        .await
        .unwrap();
    }

    let res = app.get(&staff, "/feedback.csv").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"feedback.csv\""
    );
    let text = res.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("id,customer_id,customer,received_at"));
    assert_eq!(lines.len(), 1 + 1_102, "every answer once");
    let ids: std::collections::BTreeSet<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 1_102, "no answer twice");

    // The list's filters narrow it, the owner's too; formulas are defused.
    let text = app
        .get(
            &staff,
            &format!("/feedback.csv?assessment=unhappy&assignee={me}"),
        )
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[1].starts_with(&format!("{unhappy},")));
    assert!(lines[1].contains(",'=cmd|' /C calc'!A0,"), "{}", lines[1]);
    assert!(lines[1].ends_with(&format!("/follow-ups/{follow_up}")));
    assert_eq!(
        app.get(&staff, "/feedback.csv?assessment=angry")
            .await
            .status(),
        422
    );

    // Follow-ups: the queue in view, with its filters.
    let text = app
        .get(&staff, "/follow-ups.csv?queue=mine")
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("id,feedback_id,customer_id"));
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[1].starts_with(&format!("{follow_up},{unhappy},")));
    let closed = app
        .get(&staff, "/follow-ups.csv?queue=closed")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(closed.lines().count(), 1, "only the header: {closed}");
    assert_eq!(
        app.get(&staff, "/follow-ups.csv?queue=all&due=soon")
            .await
            .status(),
        422
    );
    let anonymous = browser();
    let res = app.get(&anonymous, "/follow-ups.csv").await;
    assert!(res.status().is_redirection() || res.url().path() == "/login");
}

#[tokio::test]
async fn the_story_library_exports_every_matching_story_once_with_its_filters() {
    let app = spawn_app().await;
    let staff = app.staff_browser("associate").await;
    let kept = logged_story(&app, &staff, &[("title", "@SUM(A1), \"kept\"")]).await;
    let other = logged_story(&app, &staff, &[("kind", "went_beyond")]).await;
    // 1,010 more, so the walk crosses chunks.
    for _ in 0..1_010 {
        sqlx::query(
            "INSERT INTO stories (title, kind, occurred_on, associate_id, situation, action_taken,
                 result, lesson, internal_notes, shareable, created_by, created_at, updated_at)
             SELECT 'Copy', kind, occurred_on, associate_id, situation, action_taken, result,
                 lesson, internal_notes, shareable, created_by, created_at, updated_at
             FROM stories WHERE id = $1",
        )
        .bind(other)
        .execute(&app.db)
        .await
        .unwrap();
    }
    let text = app.get(&staff, "/stories.csv").await.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("id,title,kind"));
    assert_eq!(lines.len(), 1 + 1_012, "every story once");
    let ids: std::collections::BTreeSet<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 1_012, "no story twice");
    let text = app
        .get(&staff, "/stories.csv?kind=turned_around")
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[1].starts_with(&format!(
            "{kept},\"'@SUM(A1), \"\"kept\"\"\",turned_around,"
        )),
        "{}",
        lines[1]
    );
    assert_eq!(
        app.get(&staff, "/stories.csv?kind=heroic").await.status(),
        422
    );
}

#[tokio::test]
async fn the_customers_list_exports_every_matching_customer_once_with_its_filters() {
    let app = spawn_app().await;
    let staff = app.staff_browser("associate").await;
    let dana = customer(&app, &staff, "=Dana \"Reyes\"", "c-1").await;
    // 1,100 more, so the walk crosses chunks; every third an advocate.
    for n in 0..1_100_i64 {
        sqlx::query(
            "INSERT INTO customers (external_ref, name, referral_code, created_at, updated_at,
                 loyalty_score, loyalty_segment)
             VALUES ($1, $2, $3, $4, $4, $5, $6)",
        )
        .bind(format!("x-{n}"))
        .bind(format!("Shopper {n}"))
        .bind(format!("code{n}"))
        .bind(1_790_000_000_000 + n)
        .bind(if n % 3 == 0 { 90 } else { 40 })
        .bind(if n % 3 == 0 { "advocate" } else { "passive" })
        .execute(&app.db)
        .await
        .unwrap();
    }

    let res = app.get(&staff, "/customers.csv").await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("id,external_ref,name,email"));
    assert_eq!(lines.len(), 1 + 1_101, "every customer once");
    let ids: std::collections::BTreeSet<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 1_101, "no row twice");
    let first = lines
        .iter()
        .find(|l| l.starts_with(&format!("{dana},")))
        .unwrap();
    assert!(
        first.contains(",\"'=Dana \"\"Reyes\"\"\","),
        "defused and quoted: {first}"
    );
    assert!(first.ends_with(&format!("/customers/{dana}")));

    // The filters in view narrow it.
    let advocates = app
        .get(&staff, "/customers.csv?standing=advocate")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(advocates.lines().count(), 1 + 367, "the advocates only");
    let found = app
        .get(&staff, "/customers.csv?q=Dana")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(found.lines().count(), 2, "{found}");
    assert_eq!(
        app.get(&staff, "/customers.csv?standing=famous")
            .await
            .status(),
        422
    );
    let res = app.get(&browser(), "/customers.csv").await;
    assert!(res.status().is_redirection() || res.url().path() == "/login");
}
