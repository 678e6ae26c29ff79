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

#[tokio::test]
async fn the_customer_effort_score_is_counted_on_the_dashboard_report_trend_and_csv() {
    let app = spawn_app().await;
    let manager = app.staff_browser("manager").await;
    customer(&app, &manager, "Dana Reyes", "c-1001").await;
    // Effort answers 6, 7, 4 and 1: two of four answered 5–7 (easy) → 50%, mean 18 / 4 = 4.5.
    for score in ["6", "7", "4", "1"] {
        let res = give_feedback(&app, &manager, &[("score_type", "ces"), ("score", score)]).await;
        assert_eq!(res.status(), 200);
    }
    give_feedback(&app, &manager, &[("score", "5")]).await;
    let dashboard: Value = app.call_json(&manager, "dashboard/attention", &[]).await;
    let feedback = &dashboard["organisation"]["feedback"];
    assert_eq!(
        (
            feedback["ces_answers"].as_i64(),
            feedback["ces"].as_f64(),
            feedback["ces_mean"].as_f64()
        ),
        (Some(4), Some(50.0), Some(4.5))
    );
    let week = dashboard["week"].as_str().unwrap();
    let page = app.page_text(&manager, "/dashboard").await;
    assert!(page.contains("CES (5–7 of 7)"), "{page}");

    let token = api_token(&app, "ces").await;
    let res = app
        .api_get(&token, &format!("/api/v1/reports/weekly?week={week}"))
        .await;
    let report: Value = ok_json(res).await;
    assert_eq!(figure(&report, "ces")["value"].as_f64(), Some(50.0));
    assert_eq!(figure(&report, "ces_mean")["value"].as_f64(), Some(4.5));
    assert_eq!(
        figure(&report, "ces")["href"],
        format!("/feedback?week={week}&score_type=ces")
    );
    let trend = report["trend"].as_array().unwrap();
    let this_week = trend.iter().find(|w| w["week"] == week).unwrap();
    assert!(this_week.to_string().contains("50"), "{this_week}");
    assert!(report["trend_keys"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k == "ces"));

    // The drill-down lists exactly the four effort answers.
    let form = feedback_form(&[("score_type", "ces"), ("week", week)]);
    let list = app.call_json(&manager, "feedback/list", &form).await;
    assert_eq!(list["total"], 4, "{list}");

    let csv = app
        .get(&manager, &format!("/reports/weekly.csv?week={week}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("CES (5–7 of 7: easy)"), "{csv}");
    assert!(csv.contains("CES, mean answer (1–7)"), "{csv}");
}
