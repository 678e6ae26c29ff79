//! Themes of what customers said, over the API and the pages: every id a theme lists leads back
//! to a text with the words that placed it, figures are counted from those texts, and the
//! choices managers make (rename, merge, split, vocabulary) keep and apply to later texts.
use crate::helpers::*;
use chrono::{Duration, Utc};
use reqwest::Client;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The last seven days, today included (UTC, the test organisation's time zone).
fn this_week() -> (String, String) {
    let today = Utc::now().date_naive();
    ((today - Duration::days(6)).to_string(), today.to_string())
}

/// Answers received yesterday, each `(key, kind, score, comment)`; returns their ids in order.
async fn answers(app: &TestApp, token: &str, items: &[(&str, &str, i64, &str)]) -> Vec<i64> {
    let at = (Utc::now() - Duration::days(1)).to_rfc3339();
    let batch: Vec<Value> = items
        .iter()
        .map(|(key, kind, score, comment)| {
            json!({"idempotency_key": key, "customer": "c-1001", "score_type": kind, "score": score,
                   "comment": comment, "channel": "survey", "received_at": at, "incident": null})
        })
        .collect();
    let body: Value = ok_json(app.api_post(token, "/api/v1/feedback", &batch).await).await;
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().expect("stored"))
        .collect()
}

const LATE: [(&str, &str, i64, &str); 4] = [
    ("late-1", "nps", 7, "Good but the delivery was late again"),
    (
        "late-2",
        "nps",
        3,
        "My parcel arrived late, three days after the promised date",
    ),
    ("late-3", "csat", 3, "ok but late delivery"),
    (
        "late-4",
        "nps",
        8,
        "Delivery came late but the driver was kind",
    ),
];
const CHARGED: [(&str, &str, i64, &str); 3] = [
    ("charged-1", "nps", 2, "I was charged twice for one order"),
    ("charged-2", "csat", 1, "Charged twice and still no refund"),
    ("charged-3", "nps", 6, "double charged on my card"),
];
const APP: [(&str, &str, i64, &str); 3] = [
    ("app-1", "nps", 4, "The app crashes at checkout every time"),
    ("app-2", "nps", 5, "app crashed when I tried to pay"),
    ("app-3", "csat", 2, "checkout keeps crashing in the app"),
];
const NOTHING: [(&str, &str, i64, &str); 2] = [
    ("none-1", "nps", 10, "Fine, thanks"),
    ("none-2", "nps", 9, "All good"),
];

struct Scene {
    app: TestApp,
    token: String,
    manager: Client,
    late: Vec<i64>,
    charged: Vec<i64>,
    app_ids: Vec<i64>,
}

async fn scene() -> Scene {
    let app = spawn_app().await;
    let manager = app.staff_browser("manager").await;
    customer(&app, &manager, "Dana Reyes", "c-1001").await;
    let token = api_token(&app, "Survey tool").await;
    let late = answers(&app, &token, &LATE).await;
    let charged = answers(&app, &token, &CHARGED).await;
    let app_ids = answers(&app, &token, &APP).await;
    answers(&app, &token, &NOTHING).await;
    Scene {
        app,
        token,
        manager,
        late,
        charged,
        app_ids,
    }
}

async fn themes(s: &Scene) -> Value {
    let (from, to) = this_week();
    ok_json(
        s.app
            .api_get(&s.token, &format!("/api/v1/themes?from={from}&to={to}"))
            .await,
    )
    .await
}

/// The theme holding feedback answer `id`.
fn theme_of(list: &Value, id: i64) -> Value {
    list["themes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["comment_ids"].as_array().unwrap().contains(&json!(id)))
        .unwrap_or_else(|| panic!("no theme holds answer {id}: {list:#}"))
        .clone()
}

fn ids(theme: &Value, key: &str) -> BTreeSet<i64> {
    theme[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect()
}

async fn comments(s: &Scene, id: i64, extra: &str) -> Value {
    let (from, to) = this_week();
    ok_json(
        s.app
            .api_get(
                &s.token,
                &format!("/api/v1/themes/{id}/comments?from={from}&to={to}{extra}"),
            )
            .await,
    )
    .await
}

#[tokio::test]
async fn themes_group_what_customers_said_and_every_id_leads_back_to_its_words() {
    let s = scene().await;
    let list = themes(&s).await;
    assert_eq!(list["texts"], 12, "{list:#}");
    let late = theme_of(&list, s.late[0]);
    let charged = theme_of(&list, s.charged[0]);
    let crashes = theme_of(&list, s.app_ids[0]);
    assert_eq!(ids(&late, "comment_ids"), s.late.iter().copied().collect());
    assert_eq!(
        ids(&charged, "comment_ids"),
        s.charged.iter().copied().collect()
    );
    assert_eq!(
        ids(&crashes, "comment_ids"),
        s.app_ids.iter().copied().collect()
    );
    let distinct: BTreeSet<i64> = [&late, &charged, &crashes]
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(distinct.len(), 3);
    // Counted from the texts: 4 answers, of which the two passives (NPS 7 and 8) and "ok but late
    // delivery" (CSAT 3) are lukewarm, the NPS 3 unhappy.
    assert_eq!(late["count"], 4);
    assert_eq!(late["answers"], 4);
    assert_eq!(late["lukewarm_share"], 75.0, "{late:#}");
    assert_eq!(late["unhappy_share"], 25.0);
    // NPS of its three NPS answers (7, 3, 8): no promoter, one detractor.
    assert_eq!(late["nps"], -33);
    assert!(!late["phrases"].as_array().unwrap().is_empty());
    assert!(list["unthemed"].as_i64().unwrap() >= 2);

    // Every text behind a theme names the words of it that put it there.
    let page = comments(&s, late["id"].as_i64().unwrap(), "").await;
    assert_eq!(page["total"], 4);
    for item in page["items"].as_array().unwrap() {
        let text = item["text"].as_str().unwrap().to_lowercase();
        let because = item["because"].as_array().unwrap();
        assert!(!because.is_empty(), "{item:#}");
        for word in because {
            let word = word.as_str().unwrap().to_lowercase();
            assert!(text.contains(&word), "'{word}' is not in '{text}'");
        }
        assert_eq!(item["kind"], "feedback");
    }
    // A figure's drill-down lists exactly what it counts.
    let lukewarm = comments(&s, late["id"].as_i64().unwrap(), "&assessment=lukewarm").await;
    assert_eq!(lukewarm["total"], 3);

    // The same theme keeps its id on the next reading.
    let again = themes(&s).await;
    assert_eq!(theme_of(&again, s.late[0])["id"], late["id"]);
}

#[tokio::test]
async fn a_team_view_places_texts_but_only_the_organisation_view_finds_new_themes() {
    let s = scene().await;
    let (from, to) = this_week();
    let team = team(
        &s.app,
        &s.app.staff_browser("admin").await,
        "Front desk",
        &[],
    )
    .await;
    let res = s
        .app
        .api_get(
            &s.token,
            &format!("/api/v1/themes?from={from}&to={to}&team={team}"),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(s.app.count("SELECT COUNT(*) FROM themes").await, 0);
    let list = themes(&s).await;
    assert!(
        s.app.count("SELECT COUNT(*) FROM themes").await >= 3,
        "{list:#}"
    );
}

#[tokio::test]
async fn follow_up_notes_and_incident_descriptions_join_their_themes() {
    let s = scene().await;
    let incident = log_incident_with(
        &s.app,
        &s.manager,
        &[("description", "Customer says the app crashes at checkout")],
    )
    .await;
    let list = themes(&s).await;
    let crashes = theme_of(&list, s.app_ids[0]);
    assert!(
        ids(&crashes, "incident_ids").contains(&incident),
        "{crashes:#}"
    );
    assert!(crashes["categories"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "Delivery" && c["count"] == 1));
    // A lukewarm answer's follow-up, closed with what the customer said.
    let follow_up: i64 = s
        .app
        .row::<(i64,)>(&format!(
            "SELECT id FROM follow_ups WHERE feedback_id = {}",
            s.late[0]
        ))
        .await
        .0;
    let closed = s
        .app
        .call(
            &s.manager,
            "follow-ups/close",
            &[
                ("id", &follow_up.to_string()),
                ("outcome", "problem_found"),
                (
                    "customer_said",
                    "Charged twice for the same order, wants the money back",
                ),
                ("true_sentiment", "negative"),
            ],
        )
        .await;
    assert!(
        closed.status().is_success(),
        "{}",
        closed.text().await.unwrap()
    );
    let list = themes(&s).await;
    let charged = theme_of(&list, s.charged[0]);
    assert_eq!(ids(&charged, "follow_up_ids"), BTreeSet::from([follow_up]));
    let only = comments(&s, charged["id"].as_i64().unwrap(), "&kind=follow_up").await;
    assert_eq!(only["total"], 1);
    assert_eq!(only["items"][0]["id"], follow_up);
}

#[tokio::test]
async fn renames_merges_and_split_phrases_keep_and_apply_to_later_comments() {
    let s = scene().await;
    let list = themes(&s).await;
    let late = theme_of(&list, s.late[0])["id"].as_i64().unwrap();
    let charged = theme_of(&list, s.charged[0])["id"].as_i64().unwrap();

    // Renamed as a browser without JavaScript would: back to the theme, saying so.
    let res = s
        .app
        .submit_form(
            &s.manager,
            "themes/rename",
            &format!("/reports/themes/{late}"),
            &[
                ("id", &late.to_string()),
                ("name", "Late parcels"),
                ("from", ""),
                ("to", ""),
                ("team", ""),
            ],
        )
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert!(location(&res).starts_with(&format!("/reports/themes/{late}?")));
    assert!(location(&res).contains("flash=renamed"));
    let list = themes(&s).await;
    assert_eq!(theme_of(&list, s.late[0])["name"], "Late parcels");
    assert_eq!(theme_of(&list, s.late[0])["id"], late);

    // Bad names change nothing.
    for bad in ["", "   ", "line\nbreak", &"x".repeat(81)] {
        let res = s
            .app
            .call(
                &s.manager,
                "themes/rename",
                &[("id", &late.to_string()), ("name", bad)],
            )
            .await;
        assert_eq!(res.status(), 422, "{bad:?}");
    }
    assert_eq!(
        theme_of(&themes(&s).await, s.late[0])["name"],
        "Late parcels"
    );

    // Merged: the charged theme's answers count under the late one, now and later.
    let merged = s
        .app
        .call(
            &s.manager,
            "themes/merge",
            &[("id", &charged.to_string()), ("into", &late.to_string())],
        )
        .await;
    assert!(merged.status().is_success());
    let later = answers(
        &s.app,
        &s.token,
        &[("charged-4", "nps", 3, "charged twice again!")],
    )
    .await;
    let list = themes(&s).await;
    let joined = theme_of(&list, s.charged[0]);
    assert_eq!(joined["id"], late);
    assert!(ids(&joined, "comment_ids").contains(&later[0]));
    assert_eq!(joined["count"], 8);
    // The merged theme's id leads to the theme it joined.
    assert_eq!(comments(&s, charged, "").await["theme"]["id"], late);
    // Merging into itself or into nothing is refused.
    for into in [late.to_string(), "999999".into(), "".into()] {
        let res = s
            .app
            .call(
                &s.manager,
                "themes/merge",
                &[("id", &late.to_string()), ("into", &into)],
            )
            .await;
        assert_eq!(res.status(), 422, "{into}");
    }

    // Split: one phrase of the merged theme becomes a theme of its own, for later texts too.
    let info = comments(&s, late, "").await["theme"].clone();
    let phrase = info["phrases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "concept:billing error")
        .unwrap_or_else(|| panic!("the billing phrase did not move with the merge: {info:#}"))
        ["key"]
        .as_str()
        .unwrap()
        .to_string();
    let split: i64 = ok_json(
        s.app
            .call(
                &s.manager,
                "themes/split",
                &[("id", &late.to_string()), ("phrase", &phrase)],
            )
            .await,
    )
    .await;
    assert_ne!(split, late);
    let list = themes(&s).await;
    assert_eq!(theme_of(&list, later[0])["id"], split);
    assert_eq!(theme_of(&list, s.late[0])["id"], late);
    // A phrase the theme does not hold is refused.
    let res = s
        .app
        .call(
            &s.manager,
            "themes/split",
            &[("id", &late.to_string()), ("phrase", "word:nonsense")],
        )
        .await;
    assert_eq!(res.status(), 422);
    // Each choice is in the audit trail.
    assert_eq!(
        s.app
            .count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'theme.%'")
            .await,
        3
    );
}

#[tokio::test]
async fn staff_teach_the_vocabulary_and_later_texts_follow_it() {
    let s = scene().await;
    let late = theme_of(&themes(&s).await, s.late[0])["id"]
        .as_i64()
        .unwrap();
    let taught = s
        .app
        .call(
            &s.manager,
            "themes/teach",
            &[
                ("concept", "late delivery"),
                ("phrase", "parcel went walkabout"),
            ],
        )
        .await;
    assert!(
        taught.status().is_success(),
        "{}",
        taught.text().await.unwrap()
    );
    let later = answers(
        &s.app,
        &s.token,
        &[("walk-1", "nps", 6, "Parcel went walkabout for a week")],
    )
    .await;
    let list = themes(&s).await;
    assert_eq!(theme_of(&list, later[0])["id"], late);
    // A phrase the vocabulary already reads as another concept is refused, not silently ignored.
    let res = s
        .app
        .call(
            &s.manager,
            "themes/teach",
            &[("concept", "billing error"), ("phrase", "arrived late")],
        )
        .await;
    assert_eq!(res.status(), 422);
    // Words too common to mean anything are refused.
    let res = s
        .app
        .call(
            &s.manager,
            "themes/teach",
            &[("concept", "late delivery"), ("phrase", "still the")],
        )
        .await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn bad_periods_and_unknown_themes_are_refused_and_only_managers_see_themes() {
    let s = scene().await;
    for query in [
        "from=2026-13-01",
        "from=2026-11-10&to=2026-11-01",
        "from=2024-01-01&to=2026-11-01",
        "team=abc",
        "from=%00",
        "from=%2B262143-12-31",
        "to=-262144-01-03",
    ] {
        let res = s
            .app
            .api_get(&s.token, &format!("/api/v1/themes?{query}"))
            .await;
        assert_eq!(res.status(), 400, "{query}");
    }
    let res = s
        .app
        .api_get(&s.token, "/api/v1/themes/999999/comments")
        .await;
    assert_eq!(res.status(), 404);
    // An id past the integers answers in the API's one JSON error shape.
    let res = s
        .app
        .api_get(&s.token, "/api/v1/themes/9223372036854775808/comments")
        .await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "bad_request", "{body}");
    let res = s
        .app
        .api_get(&s.token, "/api/v1/themes/1/comments?kind=tweet")
        .await;
    assert_eq!(res.status(), 400);
    // Default period: the last complete week, answered.
    let res = s.app.api_get(&s.token, "/api/v1/themes").await;
    assert_eq!(res.status(), 200);

    let (from, to) = this_week();
    let page = s
        .app
        .page_text(&s.manager, &format!("/reports/themes?from={from}&to={to}"))
        .await;
    assert!(
        page.contains("Themes") && page.contains("charged twice"),
        "{page}"
    );
    let associate = s.app.staff_browser("associate").await;
    assert_eq!(s.app.get(&associate, "/reports/themes").await.status(), 403);
}

#[tokio::test]
async fn a_rising_theme_reaches_managers_on_the_dashboard_the_report_and_in_notifications() {
    let s = scene().await;
    let list = themes(&s).await;
    let late = theme_of(&list, s.late[0]);
    // Four texts this week and none in the four weeks before.
    assert_eq!(late["rising"], true, "{late:#}");
    assert_eq!(late["usual_count"], 0.0);

    let dashboard = s.app.page_text(&s.manager, "/dashboard").await;
    assert!(dashboard.contains("Rising themes"), "{dashboard}");
    assert!(dashboard.contains(&format!("/reports/themes/{}?", late["id"])));
    assert!(dashboard.contains("/incidents/settings?category_name="));
    let yesterday = Utc::now().date_naive() - Duration::days(1);
    let week = yesterday.format("%G-W%V").to_string();
    let report = s
        .app
        .page_text(&s.manager, &format!("/reports/weekly?week={week}"))
        .await;
    assert!(report.contains("Rising themes"), "{report}");
    // A rename shows at once, though the dashboard keeps its reading for an hour.
    let renamed = s
        .app
        .call(
            &s.manager,
            "themes/rename",
            &[
                ("id", &late["id"].to_string()),
                ("name", "Parcels running late"),
            ],
        )
        .await;
    assert!(renamed.status().is_success());
    assert!(s
        .app
        .page_text(&s.manager, "/dashboard")
        .await
        .contains("Parcels running late"));
    // Associates see neither.
    let associate = s.app.staff_browser("associate").await;
    assert!(!s
        .app
        .page_text(&associate, "/dashboard")
        .await
        .contains("Rising themes"));

    // The background job tells each manager once per theme and week.
    s.app.advance(std::time::Duration::from_secs(3_600)).await;
    let sql = format!(
        "SELECT COUNT(*) FROM notifications WHERE kind = 'theme_rising' AND link LIKE '/reports/themes/{}?%'",
        late["id"]
    );
    let told = s.app.count(&sql).await;
    assert!(told >= 1, "no manager was told");
    // Still rising a day later, perhaps in a new week: not told again within seven days.
    s.app.advance(std::time::Duration::from_secs(86_400)).await;
    assert_eq!(s.app.count(&sql).await, told);
}
