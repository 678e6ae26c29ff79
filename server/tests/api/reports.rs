//! The weekly report: figures on hand-computed data for a chosen week, the change against the
//! week before, scopes, who may see which scope, the CSV export and the JSON API.
use crate::helpers::*;
use reqwest::Client;
use serde_json::{json, Value};

/// 2026-W40 starts on Monday 2026-09-28 (UTC, the default time zone).
const W40_MONDAY: i64 = 1_790_553_600_000;
const HOUR: i64 = 3_600_000;

/// Logs an incident through the staff function, then places it in time.
async fn incident(
    app: &TestApp,
    staff: &Client,
    detected_at: i64,
    hours_to_resolve: Option<i64>,
    proactive: bool,
    assignee: Option<i64>,
) -> i64 {
    let fields = [("source", "staff"), ("description", "Late parcel")];
    let id = log_incident_with(app, staff, &fields).await;
    sqlx::query(
        "UPDATE incidents SET detected_at = $1, occurred_at = $1, created_at = $1, resolved_at = $2,
                status = $3, proactive = $4, assignee_id = $5 WHERE id = $6",
    )
    .bind(detected_at)
    .bind(hours_to_resolve.map(|h| detected_at + h * HOUR))
    .bind(if hours_to_resolve.is_some() { "resolved" } else { "open" })
    .bind(i64::from(proactive))
    .bind(assignee)
    .bind(id)
    .execute(&app.db)
    .await
    .unwrap();
    id
}

async fn report(app: &TestApp, token: &str, query: &str) -> reqwest::Response {
    app.api_get(token, &format!("/api/v1/reports/weekly?{query}"))
        .await
}

#[tokio::test]
async fn the_week_is_measured_against_the_week_before_on_hand_computed_figures() {
    let app = spawn_app().await;
    let token = api_token(&app, "Reports").await;
    let (priya, staff) = staff_with_id(&app, "associate").await;
    customer(&app, &staff, "Dana Reyes", "c-1001").await;
    // W40: three detected (one before any complaint), resolved after 2, 4 and 10 hours — two of
    // them Priya's. W39: one detected, resolved after 6 hours.
    let monday = W40_MONDAY + 9 * HOUR;
    incident(&app, &staff, monday, Some(2), true, Some(priya)).await;
    incident(
        &app,
        &staff,
        monday + 24 * HOUR,
        Some(4),
        false,
        Some(priya),
    )
    .await;
    incident(&app, &staff, monday + 48 * HOUR, Some(10), false, None).await;
    incident(&app, &staff, monday - 7 * 24 * HOUR, Some(6), false, None).await;
    // Answers in W40: NPS 10, 9, 3 → (2 − 1) / 3 = 33.
    let answers: Vec<Value> = [(10, "a"), (9, "b"), (3, "c")]
        .iter()
        .map(|(score, key)| {
            json!({"idempotency_key": format!("w40-{key}"), "customer": "c-1001", "score_type": "nps",
                   "score": score, "comment": "", "channel": "survey",
                   "received_at": "2026-09-30T09:00:00Z", "incident": null})
        })
        .collect();
    let res = app.api_post(&token, "/api/v1/feedback", &answers).await;
    assert_eq!(res.status(), 200);

    let res = report(&app, &token, "week=2026-W40").await;
    assert_eq!(res.status(), 200);
    let r: Value = res.json().await.unwrap();
    assert_eq!(r["week"], "2026-W40");
    assert_eq!(r["previous_week"], "2026-W39");
    assert_eq!(r["from"], W40_MONDAY);
    assert_eq!(r["scope"]["kind"], "organisation");
    let opened = figure(&r, "incidents_opened");
    assert_eq!(
        (&opened["value"], &opened["previous"], &opened["change"]),
        (&json!(3.0), &json!(1.0), &json!(2.0))
    );
    assert_eq!(opened["href"], "/incidents?week=2026-W40");
    assert_eq!(figure(&r, "proactive_share")["value"], 33.3);
    assert_eq!(figure(&r, "recovery_hours_median")["value"], 4.0);
    assert_eq!(figure(&r, "recovery_hours_median")["previous"], 6.0);
    assert_eq!(figure(&r, "recovery_hours_p90")["value"], 10.0);
    assert_eq!(figure(&r, "nps")["value"], 33.0);
    assert_eq!(figure(&r, "nps")["previous"], Value::Null);
    assert_eq!(figure(&r, "feedback_answers")["value"], 3.0);
    assert_eq!(r["trend"].as_array().unwrap().len(), 12);
    assert_eq!(r["trend"][11]["week"], "2026-W40");
    assert_eq!(r["trend"][0]["week"], "2026-W29");
    let lists: Vec<&str> = r["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        lists,
        [
            "at_risk",
            "overdue_follow_ups",
            "approvals",
            "spotlights",
            "without_story"
        ]
    );
    let without = &r["lists"][4];
    assert!(
        without["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|row| row["href"] == format!("/stories?associate={priya}")),
        "{without}"
    );
    let manager = app.staff_browser("manager").await;
    let csv = app
        .get(
            &manager,
            "/reports/weekly.csv?week=2026-W40&list=without_story",
        )
        .await;
    assert_eq!(
        csv.headers()["content-disposition"],
        "attachment; filename=\"weekly-report-2026-W40-without_story.csv\""
    );
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("week,list,item,detail,note,link\r\n"));
    assert!(
        text.contains(&format!("/stories?associate={priya}")),
        "{text}"
    );
    let bad = app
        .get(&manager, "/reports/weekly.csv?list=everything")
        .await;
    assert_eq!(bad.status(), 422);

    // Priya's own figures: her two incidents.
    let mine: Value = report(&app, &token, &format!("week=2026-W40&associate={priya}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["scope"]["kind"], "associate");
    assert_eq!(figure(&mine, "incidents_opened")["value"], 2.0);
    assert_eq!(figure(&mine, "recovery_hours_median")["value"], 3.0);
    assert_eq!(
        figure(&mine, "incidents_opened")["href"],
        format!("/incidents?week=2026-W40&assignee={priya}")
    );

    for (query, status) in [
        ("week=2026-W99", 400),
        ("week=last", 400),
        ("team=1&associate=2", 400),
        ("associate=999999", 404),
    ] {
        assert_eq!(
            report(&app, &token, query).await.status(),
            status,
            "{query}"
        );
    }
    let unauthenticated = Client::new()
        .get(app.url("/api/v1/reports/weekly"))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);
    let doc = app.api_document().await;
    assert!(doc["paths"]["/api/v1/reports/weekly"]["get"].is_object());
}

#[tokio::test]
async fn associates_see_their_own_report_and_more_only_when_the_organisation_allows() {
    let app = spawn_app().await;
    let (me, associate) = staff_with_id(&app, "associate").await;
    let (other, _) = staff_with_id(&app, "associate").await;
    let manager = app.staff_browser("manager").await;
    let admin = app.staff_browser("admin").await;
    let team = team(&app, &admin, "Front desk", &[me]).await;
    let get = |client: &Client, team: &str, associate: &str| {
        let client = client.clone();
        let (team, associate) = (team.to_string(), associate.to_string());
        let app = &app;
        async move {
            app.call(
                &client,
                "reports/weekly",
                &[("week", ""), ("team", &team), ("associate", &associate)],
            )
            .await
        }
    };
    // By default an associate asking for nothing gets their own figures.
    let own: Value = get(&associate, "", "").await.json().await.unwrap();
    assert_eq!(own["scope"], json!({ "Associate": me }));
    opens_every_link(&app, &associate, &own).await;
    assert_eq!(get(&associate, "", &me.to_string()).await.status(), 200);
    assert_eq!(get(&associate, "", &other.to_string()).await.status(), 403);
    assert_eq!(get(&associate, &team.to_string(), "").await.status(), 403);
    let csv = app
        .get(&associate, &format!("/reports/weekly.csv?team={team}"))
        .await;
    assert_eq!(csv.status(), 403);

    // Managers see every scope.
    let org: Value = get(&manager, "", "").await.json().await.unwrap();
    assert_eq!(org["scope"], "Organisation");
    assert_eq!(get(&manager, &team.to_string(), "").await.status(), 200);

    // The organisation opens team and organisation reports to associates.
    app.call(&admin, "reports/access", &[("open", "1")]).await;
    let org: Value = get(&associate, "", "").await.json().await.unwrap();
    assert_eq!(org["scope"], "Organisation");
    opens_every_link(&app, &associate, &org).await;
    let theirs = get(&associate, &team.to_string(), "").await;
    assert_eq!(theirs.status(), 200);
    opens_every_link(&app, &associate, &theirs.json().await.unwrap()).await;
    assert_eq!(
        get(&associate, "", &other.to_string()).await.status(),
        403,
        "another person's figures stay theirs"
    );
    let scopes: Value = app.call_json(&associate, "reports/scopes", &[]).await;
    let labels = menu_labels(&scopes);
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    assert!(labels.contains(&"Whole organisation") && labels.contains(&"Team Front desk"));
    assert_eq!(
        labels.len(),
        3,
        "the organisation, their team and themselves: {labels:?}"
    );

    let (customer, _) = app.customer_browser().await;
    assert_eq!(get(&customer, "", "").await.status(), 403);
}

/// Every figure of `report` links to a page `viewer` may open, or is shown without a link.
async fn opens_every_link(app: &TestApp, viewer: &Client, report: &Value) {
    for f in report["figures"].as_array().unwrap() {
        let href = f["href"].as_str().unwrap();
        if href.is_empty() {
            assert_eq!(
                f["key"], "return_on_recovery",
                "only manager pages go unlinked"
            );
            continue;
        }
        let status = app.get(viewer, href).await.status();
        assert_eq!(status, 200, "{} links to {href}", f["key"]);
    }
}

/// Every label in a scope menu, the organisation and teams first, then people.
fn menu_labels(menu: &Value) -> Vec<String> {
    ["scopes", "people"]
        .iter()
        .flat_map(|k| menu[k].as_array().unwrap().iter())
        .map(|s| s["label"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_large_organisations_scope_menu_lists_the_people_of_the_team_in_view() {
    let app = spawn_app().await;
    let (_, manager) = staff_with_id(&app, "manager").await;
    sqlx::query("INSERT INTO teams (name, created_at) VALUES ('Returns', 0), ('Billing', 0)")
        .execute(&app.db)
        .await
        .unwrap();
    let returns = app.count("SELECT MIN(id) FROM teams").await;
    let billing = app.count("SELECT MAX(id) FROM teams").await;
    let menu = |team: String, associate: String| {
        let app = &app;
        let manager = &manager;
        async move {
            let res = app
                .call(
                    manager,
                    "reports/scopes",
                    &[("team", &team), ("associate", &associate)],
                )
                .await;
            assert_eq!(res.status(), 200);
            res.json::<Value>().await.unwrap()
        }
    };
    // A small organisation's menu lists everyone.
    let small = menu(String::new(), String::new()).await;
    assert_eq!(small["by_team"], false);
    assert!(!small["people"].as_array().unwrap().is_empty());

    let now = app::db::now_ms();
    for n in 0..app::reports::MENU_PEOPLE {
        let team = if n % 2 == 0 { returns } else { billing };
        sqlx::query(
            "INSERT INTO staff_users (email, name, role, password_hash, active, created_at, updated_at, team_id)
             VALUES ($1, $2, 'associate', 'x', 1, $3, $3, $4)",
        )
        .bind(format!("person{n}@example.com"))
        .bind(format!("Person {n:02}"))
        .bind(now)
        .bind(team)
        .execute(&app.db)
        .await
        .unwrap();
    }
    let alone: i64 =
        sqlx::query_scalar("SELECT id FROM staff_users WHERE team_id IS NULL AND role = 'manager'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let in_returns: Vec<String> =
        sqlx::query_scalar("SELECT name FROM staff_users WHERE team_id = $1 ORDER BY LOWER(name)")
            .bind(returns)
            .fetch_all(&app.db)
            .await
            .unwrap();

    let org = menu(String::new(), String::new()).await;
    assert_eq!(org["by_team"], true);
    assert!(org["people"].as_array().unwrap().is_empty(), "{org}");
    assert_eq!(
        menu_labels(&org)[..3],
        ["Whole organisation", "Team Billing", "Team Returns"]
    );

    let team = menu(returns.to_string(), String::new()).await;
    assert_eq!(team["people_heading"], "People in Team Returns");
    let people: Vec<String> = menu_labels(&team).into_iter().skip(3).collect();
    assert_eq!(people, in_returns, "only the team's people, in name order");

    // A person in view brings their team's people; one outside any team stays in the menu.
    let first: i64 = sqlx::query_scalar("SELECT MIN(id) FROM staff_users WHERE team_id = $1")
        .bind(returns)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let person = menu(String::new(), first.to_string()).await;
    assert_eq!(menu_labels(&person).len(), 3 + in_returns.len());
    let outside = menu(String::new(), alone.to_string()).await;
    let queries: Vec<&str> = outside["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["query"].as_str().unwrap())
        .collect();
    assert_eq!(queries, [format!("associate={alone}")]);

    // The page says how to reach someone, and lists no one else's name.
    let page = app.page_text(&manager, "/reports/weekly").await;
    assert!(page.contains("People are listed by team"), "{page}");
    assert!(!page.contains("value=\"associate="), "no one is offered");
    let page = app
        .page_text(&manager, &format!("/reports/weekly?team={returns}"))
        .await;
    assert!(page.contains("<optgroup label=\"People in Team Returns\">"));
    assert!(page.contains(">Person 00</option>") && !page.contains(">Person 01</option>"));
}

#[tokio::test]
async fn the_weekly_figures_export_as_csv_and_the_page_renders_without_javascript() {
    let app = spawn_app().await;
    let manager = app.staff_browser("manager").await;
    let res = app.get(&manager, "/reports/weekly.csv?week=2026-W47").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"weekly-report-2026-W47.csv\""
    );
    let text = res.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "week,scope,group,figure,value,2026-W46,change,unit,value_raw,previous_raw"
    );
    assert!(lines.iter().any(|l| l.starts_with(
        "2026-W47,Whole organisation,Incidents,Incidents opened,0,0,no change,count,0,0"
    )));
    assert_eq!(lines.len(), 26, "a header and 25 figures");

    let page = app
        .page_text(&manager, "/reports/weekly?week=2026-W47")
        .await;
    assert!(page.contains("Weekly report · 2026-W47"));
    assert!(page.contains("<svg") && page.contains("Show the trends as a table"));
    assert!(page.contains("href=\"/feedback?week=2026-W47&amp;assessment=lukewarm\""));
    let anonymous = app.get(&browser(), "/reports/weekly").await;
    assert_eq!(location(&anonymous), "/login?next=/reports/weekly");
}

/// Customers at risk are passives and detractors with something open, detractors first; a
/// person's list holds those whose open work is theirs. Overdue follow-ups likewise.
#[tokio::test]
async fn the_lists_hold_open_work_at_risk_in_scope() {
    let app = spawn_app().await;
    let token = api_token(&app, "Reports").await;
    let (priya, staff) = staff_with_id(&app, "associate").await;
    let (omar, _) = staff_with_id(&app, "associate").await;
    let now = app::db::now_ms();
    let mut ids = Vec::new();
    for (name, reference, segment, score) in [
        ("Ann Detractor", "c-1", "detractor", 10),
        ("Ben Passive", "c-2", "passive", 50),
        ("Cy Quiet", "c-3", "detractor", 5),
        ("Di Promoter", "c-4", "promoter", 90),
    ] {
        let id = customer(&app, &staff, name, reference).await;
        sqlx::query("UPDATE customers SET loyalty_segment = $1, loyalty_score = $2 WHERE id = $3")
            .bind(segment)
            .bind(score)
            .bind(id)
            .execute(&app.db)
            .await
            .unwrap();
        ids.push(id);
    }
    // Ann: an open incident of Priya's. Cy: only a resolved one. Di: open, but a promoter.
    for (customer, status, assignee) in [
        (ids[0], "open", priya),
        (ids[2], "resolved", priya),
        (ids[3], "open", priya),
    ] {
        sqlx::query(
            "INSERT INTO incidents (customer_id, category_id, severity, source, status, description,
               occurred_at, detected_at, resolved_at, assignee_id, created_at, updated_at)
             VALUES ($1, 1, 'minor', 'staff', $2, 'x', $3, $3, $4, $5, $3, $3)",
        )
        .bind(customer)
        .bind(status)
        .bind(now - 86_400_000)
        .bind((status == "resolved").then_some(now - 3_600_000))
        .bind(assignee)
        .execute(&app.db)
        .await
        .unwrap();
    }
    // Ben: a lukewarm answer whose follow-up, Omar's, fell due yesterday.
    sqlx::query(
        "INSERT INTO feedback (customer_id, channel, score_type, score, received_at, assessment, reasons,
           entered_by_label, created_at) VALUES ($1, 'phone', 'nps', 7, $2, 'lukewarm', '', 't', $2)",
    )
    .bind(ids[1])
    .bind(now - 3 * 86_400_000)
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO follow_ups (feedback_id, customer_id, assignee_id, assessment, status, opened_at,
           due_at, updated_at) SELECT MAX(id), $1, $2, 'lukewarm', 'open', $3, $4, $3 FROM feedback",
    )
    .bind(ids[1])
    .bind(omar)
    .bind(now - 3 * 86_400_000)
    .bind(now - 86_400_000)
    .execute(&app.db)
    .await
    .unwrap();

    let titles = |r: &Value, list: usize| -> Vec<String> {
        r["lists"][list]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["title"].as_str().unwrap().to_string())
            .collect()
    };
    let r: Value = report(&app, &token, "").await.json().await.unwrap();
    assert_eq!(titles(&r, 0), ["Ann Detractor", "Ben Passive"]);
    assert_eq!(
        (&r["lists"][0]["total"], &r["lists"][0]["more"]),
        (&json!(2), &json!(false))
    );
    assert!(r["lists"][0]["rows"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("1 unresolved incident(s)"));
    assert_eq!(titles(&r, 1), ["Ben Passive"]);
    let r: Value = report(&app, &token, &format!("associate={priya}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(titles(&r, 0), ["Ann Detractor"]);
    assert!(titles(&r, 1).is_empty());
    let r: Value = report(&app, &token, &format!("associate={omar}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(titles(&r, 0), ["Ben Passive"]);
    assert_eq!(titles(&r, 1), ["Ben Passive"]);
}
