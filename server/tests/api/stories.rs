//! Extra-mile stories: logging with validation, drafts, cadence and streaks in the
//! organisation's time zone, kudos rules, who may edit, the library's search and filters, the
//! spotlight, and what a customer may see.
use crate::helpers::*;
use chrono::{Duration, NaiveDate};
use reqwest::Client;
use serde_json::Value;

async fn today(app: &TestApp, client: &Client) -> NaiveDate {
    let form = app.call_json(client, "stories/form", &[]).await;
    form["today"].as_str().unwrap().parse().unwrap()
}

async fn stories(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM stories").await
}

#[tokio::test]
async fn a_story_counts_for_its_iso_week_and_builds_a_streak() {
    let app = spawn_app().await;
    let (_, priya) = staff_with_id(&app, "associate").await;
    let mine = app.call_json(&priya, "stories/mine", &[]).await;
    assert_eq!(mine["streak"]["weeks"], 0);
    assert_eq!(mine["streak"]["this_week"], false);
    assert_eq!(mine["weeks"].as_array().unwrap().len(), 12);

    let today = today(&app, &priya).await;
    let last_week = (today - Duration::weeks(1)).to_string();
    let three_weeks_ago = (today - Duration::weeks(3)).to_string();
    logged_story(&app, &priya, &[("occurred_on", &last_week)]).await;
    logged_story(&app, &priya, &[("occurred_on", &three_weeks_ago)]).await;
    let mine = app.call_json(&priya, "stories/mine", &[]).await;
    assert_eq!(
        mine["streak"]["weeks"], 1,
        "last week keeps the streak alive"
    );
    assert_eq!(mine["streak"]["this_week"], false);

    logged_story(&app, &priya, &[]).await;
    let mine = app.call_json(&priya, "stories/mine", &[]).await;
    assert_eq!(mine["streak"]["weeks"], 2);
    assert_eq!(mine["streak"]["this_week"], true);
    let weeks = mine["weeks"].as_array().unwrap();
    let counts: Vec<i64> = weeks
        .iter()
        .map(|w| w["stories"].as_i64().unwrap())
        .collect();
    assert_eq!(&counts[8..], &[1, 0, 1, 1]);
    let label = {
        use chrono::Datelike;
        let w = today.iso_week();
        format!("{}-W{:02}", w.year(), w.week())
    };
    assert_eq!(weeks[11]["week"], label.as_str());
}

#[tokio::test]
async fn bad_stories_are_refused_field_by_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    let (_, staff) = staff_with_id(&app, "associate").await;
    let (other, _) = staff_with_id(&app, "associate").await;
    let res = app.call(&staff, "stories/create", &[("title", "  ")]).await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    let fields = field_errors(&body);
    for f in ["title", "kind", "situation", "action_taken", "result"] {
        assert!(fields.contains(&f.to_string()), "{f} in {fields:?}");
    }
    let tomorrow = (today(&app, &staff).await + Duration::days(1)).to_string();
    let other_id = other.to_string();
    for (field, value, expect) in [
        ("occurred_on", tomorrow.as_str(), "occurred_on"),
        ("occurred_on", "20/11/2026", "occurred_on"),
        ("kind", "heroic", "kind"),
        ("customer", "nobody@example.com", "customer"),
        ("colleagues", "Someone Unknown", "colleagues"),
        ("incident", "999999", "incident"),
        ("cost", "-3", "cost"),
        ("tags", "a,b,c,d,e,f,g,h,i", "tags"),
        ("associate", other_id.as_str(), "associate"),
    ] {
        let res = log_story(&app, &staff, &[(field, value)]).await;
        assert_eq!(res.status(), 422, "{field}={value}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(field_errors(&body), [expect], "{field}={value}");
    }
    assert_eq!(stories(&app).await, 0);
}

#[tokio::test]
async fn a_plain_form_post_saves_the_story_and_goes_to_its_page() {
    let app = spawn_app().await;
    let (_, staff) = staff_with_id(&app, "associate").await;
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let (app, staff) = (&app, &staff);
        async move {
            app.submit_form(staff, "stories/create", "/stories/new", &fields)
                .await
        }
    };
    let res = post(vec![("title", "Half")]).await;
    assert!(res.status().is_redirection());
    assert!(location(&res).contains("__err="), "{}", location(&res));
    assert_eq!(stories(&app).await, 0);
    // What was typed comes back on the page as the draft.
    let back = location(&res);
    let back = if back.starts_with("http") {
        back
    } else {
        app.url(&back)
    };
    let again = staff.get(back).send().await.unwrap().text().await.unwrap();
    assert!(again.contains(r#"value="Half""#), "the title is kept");
    let res = post(vec![
        ("title", "Ring removed"),
        ("kind", "good_samaritan"),
        ("situation", "Stuck ring."),
        ("action_taken", "Soap."),
        ("result", "Off."),
        ("shareable", "on"),
    ])
    .await;
    assert!(res.status().is_redirection());
    let id: i64 = app.count("SELECT MAX(id) FROM stories").await;
    assert_eq!(location(&res), format!("/stories/{id}?flash=story-saved"));
    assert_eq!(app.count("SELECT shareable FROM stories").await, 1);
    let html = app.page_text(&staff, &format!("/stories/{id}")).await;
    assert!(html.contains("Ring removed") && html.contains("Shared with the customer"));
}

#[tokio::test]
async fn the_draft_keeps_what_was_typed_until_the_story_is_saved() {
    let app = spawn_app().await;
    let (_, staff) = staff_with_id(&app, "associate").await;
    let (_, other) = staff_with_id(&app, "associate").await;
    let draft =
        r#"{"title":"Helped with the","situation":"A customer at the door","kind":"went_beyond"}"#;
    let saved = app
        .call_json(&staff, "stories/draft", &[("body", draft)])
        .await;
    assert!(saved.as_i64().unwrap() > 0);
    let form = app.call_json(&staff, "stories/form", &[]).await;
    assert_eq!(form["values"]["title"], "Helped with the");
    assert!(form["draft_saved_at"].is_i64());
    let theirs = app.call_json(&other, "stories/form", &[]).await;
    assert_eq!(
        theirs["values"]["title"], "",
        "a draft is its author's only"
    );
    assert_eq!(
        app.call(&staff, "stories/draft", &[("body", "not json")])
            .await
            .status(),
        400
    );
    logged_story(&app, &staff, &[]).await;
    let form = app.call_json(&staff, "stories/form", &[]).await;
    assert_eq!(form["values"]["title"], "");
    assert!(form["draft_saved_at"].is_null());
}

#[tokio::test]
async fn kudos_are_one_per_person_and_never_for_a_story_you_are_in() {
    let app = spawn_app().await;
    let (author, author_client) = staff_with_id(&app, "associate").await;
    let colleague_email = app.staff("associate").await;
    let colleague = app.signed_in_as(&colleague_email).await;
    let (_, fan) = staff_with_id(&app, "associate").await;
    let (_, manager) = staff_with_id(&app, "manager").await;
    let id = logged_story(&app, &author_client, &[("colleagues", &colleague_email)])
        .await
        .to_string();
    let kudos = |client: &Client, give: &'static str| {
        let (app, client, id) = (&app, client.clone(), &id);
        async move {
            app.call(&client, "stories/kudos", &[("id", id), ("give", give)])
                .await
                .status()
        }
    };
    assert_eq!(kudos(&author_client, "true").await, 409);
    assert_eq!(kudos(&colleague, "true").await, 409);
    assert_eq!(kudos(&fan, "true").await, 200);
    assert_eq!(kudos(&fan, "true").await, 409, "one per person");
    assert_eq!(kudos(&manager, "true").await, 200);
    assert_eq!(app.count("SELECT COUNT(*) FROM story_kudos").await, 2);
    let story = app.call_json(&fan, "stories/get", &[("id", &id)]).await;
    assert_eq!(story["kudos"].as_array().unwrap().len(), 2);
    assert_eq!(story["gave_kudos"], true);
    let seen_by_author = app
        .call_json(&author_client, "stories/get", &[("id", &id)])
        .await;
    assert_eq!(seen_by_author["can_give_kudos"], false);
    assert_eq!(seen_by_author["colleagues"][0]["name"], "Test associate");
    let mine = app.call_json(&author_client, "stories/mine", &[]).await;
    assert_eq!(mine["kudos_total"], 2);
    assert_eq!(mine["recent_kudos"].as_array().unwrap().len(), 2);
    assert_eq!(kudos(&fan, "false").await, 200);
    assert_eq!(kudos(&fan, "false").await, 409);
    assert_eq!(app.count("SELECT COUNT(*) FROM story_kudos").await, 1);
    assert_eq!(
        app.call(&fan, "stories/kudos", &[("id", "999999"), ("give", "true")])
            .await
            .status(),
        404
    );
    let res = app
        .call(
            &fan,
            "stories/comment",
            &[("id", &id), ("body", "Lovely work")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.call(&fan, "stories/comment", &[("id", &id), ("body", " ")])
            .await
            .status(),
        422
    );
    let story = app
        .call_json(&author_client, "stories/get", &[("id", &id)])
        .await;
    assert_ne!(author, 0);
    assert_eq!(story["comments"][0]["body"], "Lovely work");
}

#[tokio::test]
async fn associates_edit_their_own_stories_and_managers_edit_any() {
    let app = spawn_app().await;
    let (author, author_client) = staff_with_id(&app, "associate").await;
    let (_, other) = staff_with_id(&app, "associate").await;
    let (_, manager) = staff_with_id(&app, "manager").await;
    let id = logged_story(&app, &author_client, &[]).await.to_string();
    let edit = |client: &Client, title: &'static str| {
        let (app, client, id) = (&app, client.clone(), &id);
        async move {
            let form = [
                ("id", id.as_str()),
                ("title", title),
                ("kind", "went_beyond"),
                ("situation", "S"),
                ("action_taken", "A"),
                ("result", "R"),
            ];
            app.call(&client, "stories/update", &form).await.status()
        }
    };
    assert_eq!(edit(&other, "Hijacked").await, 403);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM stories WHERE title = 'Hijacked'")
            .await,
        0
    );
    assert_eq!(
        app.call(&other, "stories/form", &[("id", &id)])
            .await
            .status(),
        403
    );
    assert_eq!(edit(&author_client, "Mine, improved").await, 200);
    assert_eq!(edit(&manager, "Tidied by a manager").await, 200);
    let row: (String, i64) = sqlx::query_as("SELECT title, associate_id FROM stories")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        row,
        ("Tidied by a manager".to_string(), author),
        "the associate stays"
    );
    let story = app.call_json(&other, "stories/get", &[("id", &id)]).await;
    assert_eq!(story["can_edit"], false);
    assert_eq!(story["can_spotlight"], false);
    let story = app.call_json(&manager, "stories/get", &[("id", &id)]).await;
    assert_eq!(story["can_edit"], true);
    assert_eq!(story["can_spotlight"], true);
}

#[tokio::test]
async fn the_library_searches_and_filters_by_kind_tag_person_customer_and_week() {
    let app = spawn_app().await;
    let (priya, priya_client) = staff_with_id(&app, "associate").await;
    let (_, sam) = staff_with_id(&app, "associate").await;
    let (_, fan) = staff_with_id(&app, "associate").await;
    let dana = customer(&app, &sam, "Dana Reyes", "c-1001").await;
    let today = today(&app, &sam).await;
    let old = (today - Duration::weeks(2)).to_string();
    let ring = logged_story(
        &app,
        &sam,
        &[
            ("title", "Stuck ring removed"),
            ("kind", "good_samaritan"),
            ("tags", "store, kindness"),
            ("occurred_on", &old),
        ],
    )
    .await;
    let reship = logged_story(
        &app,
        &priya_client,
        &[
            ("customer", "c-1001"),
            ("tags", "reship"),
            ("lesson", "Never wait for the RETURN"),
        ],
    )
    .await;
    let _beyond = logged_story(
        &app,
        &priya_client,
        &[("title", "Gift wrapped"), ("kind", "went_beyond")],
    )
    .await;
    app.call(
        &fan,
        "stories/kudos",
        &[("id", &ring.to_string()), ("give", "true")],
    )
    .await;

    let list = |pairs: Vec<(&'static str, String)>| {
        let (app, sam) = (&app, &sam);
        async move {
            let fields: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let form = stories_form(&fields);
            let page = app.call_json(sam, "stories/list", &form).await;
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list(vec![]).await.len(), 3);
    assert_eq!(
        list(vec![("q", "return".into())]).await,
        [reship],
        "search reads every field"
    );
    assert_eq!(
        list(vec![("q", "dana".into())]).await,
        [reship],
        "and the customer's name"
    );
    assert_eq!(list(vec![("kind", "good_samaritan".into())]).await, [ring]);
    assert_eq!(list(vec![("tag", "Store".into())]).await, [ring]);
    assert_eq!(list(vec![("associate", priya.to_string())]).await.len(), 2);
    assert_eq!(list(vec![("customer", dana.to_string())]).await, [reship]);
    let week = {
        use chrono::Datelike;
        let w = (today - Duration::weeks(2)).iso_week();
        format!("{}-W{:02}", w.year(), w.week())
    };
    assert_eq!(list(vec![("week", week)]).await, [ring]);
    assert_eq!(list(vec![("sort", "kudos".into())]).await[0], ring);
    let manager = app.staff_browser("manager").await;
    app.call(
        &manager,
        "stories/spotlight",
        &[("id", &reship.to_string()), ("on", "true")],
    )
    .await;
    assert_eq!(list(vec![("spotlight", "1".into())]).await, [reship]);
    assert_eq!(
        list(vec![]).await[2],
        ring,
        "newest first by the day it happened"
    );
    let bad_week = stories_form(&[("week", "2026-47")]);
    let res = app.call(&sam, "stories/list", &bad_week).await;
    assert_eq!(res.status(), 422);
    let page = app.page_text(&sam, "/stories?tag=store").await;
    assert!(page.contains("Stuck ring removed") && !page.contains("Gift wrapped"));
}

#[tokio::test]
async fn a_customer_sees_only_shareable_stories_about_them_without_internal_notes() {
    let app = spawn_app().await;
    let (_, staff) = staff_with_id(&app, "associate").await;
    let (me_client, me) = app.customer_browser().await;
    let (them, _) = app.portal_customer("Someone Else").await;
    let (me_s, them_s) = (me.to_string(), them.to_string());
    logged_story(
        &app,
        &staff,
        &[
            ("customer", &me_s),
            ("shareable", "on"),
            ("title", "Shared with me"),
            ("internal_notes", "SECRET-NOTE"),
        ],
    )
    .await;
    logged_story(
        &app,
        &staff,
        &[("customer", &me_s), ("title", "Kept internal")],
    )
    .await;
    logged_story(
        &app,
        &staff,
        &[
            ("customer", &them_s),
            ("shareable", "on"),
            ("title", "About someone else"),
        ],
    )
    .await;
    let res = app.call(&me_client, "portal/stories", &[]).await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    let list: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["title"], "Shared with me");
    assert_eq!(list[0]["told_by"], "Test", "staff by first name only");
    assert!(!text.contains("SECRET-NOTE") && !text.contains("Test associate"));
    let portal = app.page_text(&me_client, "/portal").await;
    assert!(portal.contains("Shared with me") && !portal.contains("About someone else"));
    let story_id = app.count("SELECT MIN(id) FROM stories").await.to_string();
    assert_eq!(
        app.call(&me_client, "stories/get", &[("id", &story_id)])
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn managers_see_cadence_per_team_and_spotlights_reach_the_dashboard() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let (_, manager) = staff_with_id(&app, "manager").await;
    let (writer, writer_client) = staff_with_id(&app, "associate").await;
    let (quiet, _) = staff_with_id(&app, "associate").await;
    team(&app, &admin, "Front desk", &[writer, quiet]).await;
    assert_eq!(
        app.call(&admin, "org/teams/create", &[("name", "front DESK")])
            .await
            .status(),
        422,
        "team names are unique whatever their case"
    );
    let last_week = (today(&app, &writer_client).await - Duration::weeks(1)).to_string();
    let id = logged_story(&app, &writer_client, &[("occurred_on", &last_week)]).await;
    logged_story(&app, &writer_client, &[]).await;
    let cadence = app.call_json(&manager, "stories/cadence", &[]).await;
    let front = cadence["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["team"] == "Front desk")
        .unwrap();
    let row = |id: i64| {
        front["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["staff_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            row(writer)["this_week"].as_i64(),
            row(writer)["last_week"].as_i64(),
            row(writer)["streak"].as_i64()
        ),
        (Some(1), Some(1), Some(2))
    );
    assert_eq!(
        (
            row(quiet)["this_week"].as_i64(),
            row(quiet)["streak"].as_i64()
        ),
        (Some(0), Some(0))
    );

    assert_eq!(
        app.call_json(&manager, "stories/spotlights", &[])
            .await
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let res = app
        .call(
            &writer_client,
            "stories/spotlight",
            &[("id", &id.to_string()), ("on", "true")],
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = app
        .call(
            &manager,
            "stories/spotlight",
            &[("id", &id.to_string()), ("on", "true")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let spot = app
        .call_json(&writer_client, "stories/spotlights", &[])
        .await;
    assert_eq!(spot[0]["id"], id);
    let attention = app.call_json(&manager, "dashboard/attention", &[]).await;
    assert_eq!(attention["organisation"]["stories"]["spotlighted"], 1);
    assert_eq!(
        attention["organisation"]["stories"]["stories"], 1,
        "this week's story only"
    );
    assert_eq!(
        attention["organisation"]["stories"]["associates_with_story"],
        1
    );
    assert!(
        attention["organisation"]["stories"]["active_associates"]
            .as_i64()
            .unwrap()
            >= 2
    );
    let dashboard = app.page_text(&writer_client, "/dashboard").await;
    assert!(dashboard.contains("Spotlight") && dashboard.contains("Reshipped to the new address"));
}

#[tokio::test]
async fn the_organisation_time_zone_decides_what_today_is() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let (_, staff) = staff_with_id(&app, "associate").await;
    assert_eq!(
        app.call(&admin, "org/time-zone", &[("time_zone", "Mars/Olympus")])
            .await
            .status(),
        422
    );
    // Kiritimati (UTC+14) and Pago Pago (UTC-11) are 25 hours apart: never the same day.
    assert_eq!(
        app.call(
            &admin,
            "org/time-zone",
            &[("time_zone", "Pacific/Pago_Pago")]
        )
        .await
        .status(),
        200
    );
    let west = today(&app, &staff).await;
    assert_eq!(
        app.call(
            &admin,
            "org/time-zone",
            &[("time_zone", "Pacific/Kiritimati")]
        )
        .await
        .status(),
        200
    );
    let east = today(&app, &staff).await;
    assert!(east > west, "{east} should be after {west}");
    logged_story(&app, &staff, &[("occurred_on", &east.to_string())]).await;
    let mine = app.call_json(&staff, "stories/mine", &[]).await;
    assert_eq!(mine["streak"]["this_week"], true);
    app.call(
        &admin,
        "org/time-zone",
        &[("time_zone", "Pacific/Pago_Pago")],
    )
    .await;
    let res = log_story(&app, &staff, &[("occurred_on", &east.to_string())]).await;
    assert_eq!(
        res.status(),
        422,
        "tomorrow in Pago Pago has not happened yet"
    );
    let settings = app.call_json(&admin, "org/settings", &[]).await;
    assert_eq!(settings["time_zone"], "Pacific/Pago_Pago");
}
