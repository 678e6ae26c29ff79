//! What an associate sees beyond their own work: any incident or follow-up they open, but the
//! organisation's figures and other teams' follow-up queues only when an admin opens them.
use crate::helpers::*;
use serde_json::Value;

#[tokio::test]
async fn associates_see_their_own_and_their_teams_queues_and_organisation_figures_only_when_opened()
{
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let (me, me_client) = staff_with_id(&app, "associate").await;
    let (mate, _) = staff_with_id(&app, "associate").await;
    let (other, _) = staff_with_id(&app, "associate").await;
    team(&app, &admin, "North", &[me, mate]).await;
    team(&app, &admin, "South", &[other]).await;
    let manager = app.staff_browser("manager").await;
    let customer_id = customer(&app, &manager, "Dana Reyes", "c-9")
        .await
        .to_string();
    let lukewarm = [
        ("customer", customer_id.as_str()),
        ("score", "3"),
        ("comment", "It was ok I guess"),
    ];
    for _ in 0..4 {
        let res = give_feedback(&app, &manager, &lukewarm).await;
        assert_eq!(res.status(), 200);
    }
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM follow_ups ORDER BY id")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(ids.len(), 4);
    for (id, assignee) in ids.iter().zip([Some(me), Some(mate), Some(other), None]) {
        sqlx::query("UPDATE follow_ups SET assignee_id = $1 WHERE id = $2")
            .bind(assignee)
            .bind(id)
            .execute(&app.db)
            .await
            .unwrap();
    }
    let queue = |client: reqwest::Client| {
        let app = &app;
        async move {
            let v: Value = app
                .call_json(
                    &client,
                    "follow-ups/list",
                    &[("queue", "team"), ("page", "1")],
                )
                .await;
            v["total"].as_i64().unwrap()
        }
    };
    assert_eq!(
        queue(me_client.clone()).await,
        3,
        "own, teammate's and unassigned; not South's"
    );
    assert_eq!(queue(manager.clone()).await, 4);
    let attention: Value = app.call_json(&me_client, "dashboard/attention", &[]).await;
    assert!(
        attention["organisation"].is_null(),
        "no organisation figures for associates"
    );
    let theirs = app
        .call(&me_client, "follow-ups/get", &[("id", &ids[2].to_string())])
        .await;
    assert_eq!(
        theirs.status(),
        200,
        "any follow-up can still be opened and worked"
    );
    let dashboard = app.page_text(&me_client, "/dashboard").await;
    assert!(dashboard.contains("organisation-figures-closed"));

    assert_eq!(
        app.call(&admin, "reports/access", &[("open", "1")])
            .await
            .status(),
        200
    );
    assert_eq!(queue(me_client.clone()).await, 4);
    let attention: Value = app.call_json(&me_client, "dashboard/attention", &[]).await;
    assert!(
        attention["organisation"]["feedback"]["count"]
            .as_i64()
            .unwrap()
            >= 4
    );
}
