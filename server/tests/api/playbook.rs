//! The recovery playbook on a hand-computed fixture: counts, rates, Wilson intervals and the
//! small-cell rule over the API and the CSV, and the incident panel adding the suggested action
//! in one click as a browser without JavaScript would.
use crate::helpers::*;
use serde_json::Value;

const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;

/// A settled incident of `category` for a new customer, detected `days_ago` at 08:00 UTC, with
/// one applied action `after` ms later, and an order 10 days after that when `came_back`.
async fn past_case(
    app: &TestApp,
    staff: &reqwest::Client,
    n: usize,
    category: &str,
    (kind, amount, after): (&str, i64, i64),
    days_ago: i64,
    came_back: bool,
) -> i64 {
    let reference = format!("p-{n}");
    let customer = customer(app, staff, &format!("Playbook Person {n}"), &reference).await;
    let now = chrono::Utc::now();
    let midnight = now
        .date_naive()
        .and_hms_opt(8, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis();
    let detected = midnight - days_ago * DAY;
    let at = detected + after;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO incidents (customer_id, category_id, severity, source, status, description,
             occurred_at, detected_at, resolved_at, proactive, created_at, updated_at)
         SELECT $1, k.id, 'major', 'complaint', 'resolved', 'Parcel late', $2, $2, $3, 0, $2, $3
         FROM incident_categories k WHERE k.name = $4 RETURNING id",
    )
    .bind(customer)
    .bind(detected)
    .bind(at)
    .bind(category)
    .fetch_one(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO recovery_actions (incident_id, kind, amount_minor, currency, status, created_at, decided_at)
         VALUES ($1, $2, $3, 'USD', 'applied', $4, $4)",
    )
    .bind(id)
    .bind(kind)
    .bind(amount)
    .bind(at)
    .execute(&app.db)
    .await
    .unwrap();
    if came_back {
        sqlx::query(
            "INSERT INTO orders (external_id, customer_id, amount_minor, currency, placed_at, created_at)
             VALUES ($1, $2, 2500, 'USD', $3, $3)",
        )
        .bind(format!("o-{n}"))
        .bind(customer)
        .bind(at + 10 * DAY)
        .execute(&app.db)
        .await
        .unwrap();
    }
    id
}

/// 12 credits within the hour (9 came back), 12 refunds days later (3 came back), 4 apologies
/// the same day (all came back), one credit too recent to judge, and a Billing case.
async fn fixture(app: &TestApp) {
    let staff = app.staff_browser("manager").await;
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    for i in 0..12 {
        past_case(
            app,
            &staff,
            next(),
            "Delivery",
            ("credit", 1_500, 30 * 60_000),
            200,
            i < 9,
        )
        .await;
    }
    for i in 0..12 {
        past_case(
            app,
            &staff,
            next(),
            "Delivery",
            ("refund", 6_000, 2 * DAY),
            300,
            i < 3,
        )
        .await;
    }
    for _ in 0..4 {
        past_case(
            app,
            &staff,
            next(),
            "Delivery",
            ("apology", 0, 3 * HOUR),
            150,
            true,
        )
        .await;
    }
    past_case(
        app,
        &staff,
        next(),
        "Delivery",
        ("credit", 1_500, 60_000),
        10,
        true,
    )
    .await;
    past_case(
        app,
        &staff,
        next(),
        "Billing",
        ("credit", 1_500, 60_000),
        200,
        true,
    )
    .await;
}

fn row<'a>(book: &'a Value, group: &str, key: &str) -> &'a Value {
    book["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == group)
        .and_then(|g| {
            g["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["key"] == key)
        })
        .unwrap_or_else(|| panic!("no {group}/{key} in {book:#}"))
}

fn close(v: &Value, want: f64) -> bool {
    (v.as_f64().unwrap() - want).abs() < 1e-3
}

#[tokio::test]
async fn the_playbook_counts_rates_and_intervals_match_the_hand_computed_fixture() {
    let app = spawn_app().await;
    fixture(&app).await;
    let token = api_token(&app, "Playbook").await;
    let book: Value = ok_json(
        app.api_get(&token, "/api/v1/playbook?category=Delivery")
            .await,
    )
    .await;
    assert_eq!(book["category"]["name"], "Delivery");
    assert_eq!(book["cases"], 28);
    assert_eq!(book["too_recent"], 1);
    assert_eq!(book["window_days"], 90);

    // Credits: 9 of 12 ordered again; Wilson 95%: centre (.75 + 1.96²/24) / (1 + 1.96²/12)
    // = .6894, half-width .2217.
    let credit = row(&book, "action", "credit");
    assert_eq!(credit["cases"], 12);
    let ordered = &credit["outcomes"][0];
    assert_eq!(ordered["outcome"], "ordered_again");
    assert_eq!(
        (ordered["count"].as_i64(), ordered["of"].as_i64()),
        (Some(9), Some(12))
    );
    assert!(close(&ordered["rate"], 0.75), "{ordered}");
    assert!(close(&ordered["low"], 0.4677), "{ordered}");
    assert!(close(&ordered["high"], 0.9111), "{ordered}");
    let refund = row(&book, "action", "refund");
    assert!(close(&refund["outcomes"][0]["rate"], 0.25));
    // Four apologies: the count shows, the rate does not.
    let apology = row(&book, "action", "apology_only");
    assert_eq!(apology["hidden"], true);
    assert_eq!(apology["outcomes"][0]["count"], 4);
    assert!(apology["outcomes"][0]["rate"].is_null());
    // By speed and amount (USD: 15.00 is "10 to 50", 60.00 "50 or more").
    assert_eq!(row(&book, "speed", "under_hour")["cases"], 12);
    assert_eq!(row(&book, "speed", "later")["cases"], 12);
    assert_eq!(row(&book, "speed", "same_day")["cases"], 4);
    assert_eq!(row(&book, "amount", "10_to_50")["cases"], 12);
    assert_eq!(row(&book, "amount", "50_or_more")["cases"], 12);
    assert_eq!(row(&book, "origin", "complained")["cases"], 28);
    // Nobody answered a survey: promoter cells count no one.
    assert_eq!(credit["outcomes"][3]["of"], 0);
    assert_eq!(book["approaches"][0]["key"], "credit:under_hour");
    assert_eq!(book["approaches"][0]["typical_amount_minor"], 1_500);
    assert_eq!(book["baseline"]["cases"], 28);
    assert_eq!(book["baseline"]["outcomes"][0]["count"], 16);

    // By id as well as by name; every category together holds the Billing case too.
    let delivery = app.category_id("Delivery").await;
    let by_id: Value = ok_json(
        app.api_get(&token, &format!("/api/v1/playbook?category={delivery}"))
            .await,
    )
    .await;
    assert_eq!(by_id["cases"], 28);
    let all: Value = ok_json(app.api_get(&token, "/api/v1/playbook").await).await;
    assert_eq!(all["cases"], 29);
    for bad in ["category=Nonsense", "category=999999", "severity=huge"] {
        let res = app
            .api_get(&token, &format!("/api/v1/playbook?{bad}"))
            .await;
        assert_eq!(res.status(), 400, "{bad}");
    }

    // The page and its CSV for managers; associates are refused both.
    let manager = app.staff_browser("manager").await;
    let page = app
        .page_text(&manager, "/reports/playbook?category=Delivery")
        .await;
    assert!(page.contains("association, not proof"), "{page}");
    assert!(page.contains("Credit within an hour"));
    let csv = app
        .get(
            &manager,
            &format!("/reports/playbook.csv?category={delivery}"),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(csv
        .starts_with("category,severity,breakdown,approach,cases,outcome,count,of,rate,low,high"));
    assert!(
        csv.contains("Delivery,any,action,Credit,12,ordered_again,9,12,0.75,"),
        "{csv}"
    );
    assert!(
        csv.contains("Delivery,any,action,Apology only,4,ordered_again,4,4,,,"),
        "{csv}"
    );
    let associate = app.staff_browser("associate").await;
    assert_eq!(app.get(&associate, "/reports/playbook").await.status(), 403);
    assert_eq!(
        app.get(&associate, "/reports/playbook.csv").await.status(),
        403
    );
}

#[tokio::test]
async fn an_open_incident_offers_what_has_worked_and_adds_it_in_one_click() {
    let app = spawn_app().await;
    fixture(&app).await;
    let associate = app.staff_browser("associate").await;
    customer(&app, &associate, "Dana Reyes", "c-1001").await;
    let id = log_incident(&app, &associate, "c-1001", "complaint").await;
    let page = app.page_text(&associate, &format!("/incidents/{id}")).await;
    assert!(
        page.contains("What has worked for Delivery incidents"),
        "{page}"
    );
    assert!(page.contains("Credit within an hour"));
    assert!(page.contains("9 of 12 customers ordered again within 90 days"));
    // The suggestion's own form, as the page writes it, posted without JavaScript.
    let res = app
        .submit_form(
            &associate,
            "incidents/action",
            &format!("/incidents/{id}"),
            &[
                ("id", &id.to_string()),
                ("kind", "credit"),
                ("amount", "15.00"),
                ("currency", "USD"),
                ("note", "From the playbook: Credit within an hour"),
            ],
        )
        .await;
    assert!(res.status().is_redirection());
    assert!(location(&res).starts_with(&format!("/incidents/{id}")));
    let (kind, amount): (String, i64) = app
        .row(&format!(
            "SELECT kind, amount_minor FROM recovery_actions WHERE incident_id = {id}"
        ))
        .await;
    assert_eq!((kind.as_str(), amount), ("credit", 1_500));
    assert!(
        page.contains("name=\"amount\" value=\"15.00\""),
        "the form carries the typical amount"
    );
}
