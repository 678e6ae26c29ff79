//! The dashboard's figures as a manager sees them: open work counted from the indexes that
//! hold it, and the week's feedback and story figures read from the weekly aggregates, current
//! with every answer and equal to the weekly report's.
use crate::helpers::*;
use serde_json::Value;

#[tokio::test]
async fn the_dashboard_week_follows_each_answer_and_matches_the_weekly_report() {
    let app = spawn_app().await;
    let manager = app.staff_browser("manager").await;
    customer(&app, &manager, "Dana Reyes", "c-1001").await;
    let attention = || async {
        let a: Value = app.call_json(&manager, "dashboard/attention", &[]).await;
        a
    };
    assert_eq!(attention().await["organisation"]["feedback"]["count"], 0);
    for (score, comment) in [("5", "Lovely"), ("3", "It was fine")] {
        let res = give_feedback(&app, &manager, &[("score", score), ("comment", comment)]).await;
        assert_eq!(res.status(), 200);
    }
    let dashboard = attention().await;
    let feedback = &dashboard["organisation"]["feedback"];
    assert_eq!(
        (
            feedback["count"].as_i64(),
            feedback["csat_answers"].as_i64(),
            feedback["csat"].as_f64(),
            feedback["lukewarm"].as_i64()
        ),
        (Some(2), Some(2), Some(50.0), Some(1))
    );
    let token = api_token(&app, "dashboard").await;
    let week = dashboard["week"].as_str().unwrap();
    let res = app
        .api_get(&token, &format!("/api/v1/reports/weekly?week={week}"))
        .await;
    let report: Value = ok_json(res).await;
    for (key, on_dashboard) in [
        ("feedback_answers", "count"),
        ("csat", "csat"),
        ("nps", "nps"),
        ("lukewarm_share", "lukewarm_share"),
    ] {
        assert_eq!(
            figure(&report, key)["value"].as_f64(),
            feedback[on_dashboard].as_f64(),
            "{key}"
        );
    }
    give_feedback(&app, &manager, &[("score", "4")]).await;
    assert_eq!(
        attention().await["organisation"]["feedback"]["count"],
        3,
        "a new answer counts at once"
    );
}

#[tokio::test]
async fn overdue_and_proactive_incidents_are_counted_from_their_indexes() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    customer(&app, &associate, "Dana Reyes", "c-1001").await;
    let late = log_incident(&app, &associate, "c-1001", "complaint").await;
    log_incident(&app, &associate, "c-1001", "staff").await;
    // Detected five hours ago: a major incident must be acknowledged within four.
    sqlx::query("UPDATE incidents SET detected_at = $1 WHERE id = $2")
        .bind(app::db::now_ms() - 5 * 3_600_000)
        .bind(late)
        .execute(&app.db)
        .await
        .unwrap();
    let a: Value = app.call_json(&associate, "dashboard/attention", &[]).await;
    assert_eq!(
        (a["overdue"].as_i64(), a["proactive_this_week"].as_i64()),
        (Some(1), Some(1))
    );
    let res = resolve(&app, &associate, late, "Courier", "Customer happy").await;
    assert_eq!(res.status(), 200);
    let a: Value = app.call_json(&associate, "dashboard/attention", &[]).await;
    assert_eq!(
        a["overdue"], 0,
        "a resolved incident is no longer overdue: {a}"
    );
}
