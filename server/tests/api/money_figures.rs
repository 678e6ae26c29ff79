//! Money in the organisation currency: rates kept by admins (page and `PUT /api/v1/rates`),
//! each amount converted at the rate in force on its own date, amounts without a rate counted
//! apart and linked to, never added.
use crate::helpers::*;
use serde_json::{json, Value};

/// 2026-W40 starts on Monday 2026-09-28 (UTC, the default time zone).
const W40_MONDAY: i64 = 1_790_553_600_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

async fn spend(app: &TestApp, token: &str) -> Value {
    let res = app
        .api_get(token, "/api/v1/reports/weekly?week=2026-W40")
        .await;
    assert_eq!(res.status(), 200);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["currency"], "USD");
    figure(&report, "recovery_spend").clone()
}

#[tokio::test]
async fn money_figures_convert_each_amount_at_its_dates_rate_and_count_amounts_without_one() {
    let app = spawn_app().await;
    let token = api_token(&app, "Rates").await;
    let staff = app.staff_browser("manager").await;
    customer(&app, &staff, "Dana Reyes", "c-1").await;
    customer(&app, &staff, "Sam Okafor", "c-2").await;
    // EUR is worth 1.10 USD from the week's Monday and 1.20 from its Thursday; yen has no rate.
    let res = app
        .api_put(
            &token,
            "/api/v1/rates",
            &json!([
                {"currency": "eur", "from": "2026-09-28", "rate": "1.10"},
                {"currency": "EUR", "from": "2026-10-01", "rate": 1.2}
            ]),
        )
        .await;
    assert_eq!(res.status(), 200);
    let table: Value = res.json().await.unwrap();
    assert_eq!(table["currency"], "USD");
    assert_eq!(
        table["rates"],
        json!([{"currency": "EUR", "from": "2026-10-01", "rate": "1.2"},
               {"currency": "EUR", "from": "2026-09-28", "rate": "1.1"}])
    );

    let a = log_incident(&app, &staff, "c-1", "complaint").await;
    let b = log_incident(&app, &staff, "c-2", "complaint").await;
    let monday = W40_MONDAY + 9 * HOUR;
    applied_action(&app, &staff, a, "10.00", "USD", monday).await;
    applied_action(&app, &staff, a, "10.00", "EUR", monday + DAY).await; // 11.00 USD
    applied_action(&app, &staff, a, "10.05", "EUR", monday + 3 * DAY).await; // 12.06 USD
    applied_action(&app, &staff, b, "1000", "JPY", monday + 2 * DAY).await; // no rate
    applied_action(&app, &staff, b, "10.00", "EUR", monday - DAY).await; // the week before

    let f = spend(&app, &token).await;
    assert_eq!(f["value"], 3306.0, "10.00 + 11.00 + 12.06 USD");
    assert_eq!(
        f["unconverted"],
        json!([{"currency": "JPY", "amounts": 1,
                "href": "/incidents?spend_week=2026-W40&currency=JPY"}])
    );
    assert_eq!(f["href"], "/incidents?spend_week=2026-W40");
    // Before 2026-09-28 EUR had no rate: the week before counts its euros apart too.
    assert_eq!(f["previous"], 0.0);

    // The links hold exactly those records.
    let list = |query: &'static str| {
        let app = &app;
        let token = &token;
        async move {
            let res = app
                .api_get(token, &format!("/api/v1/incidents?{query}"))
                .await;
            assert_eq!(res.status(), 200, "{query}");
            res.json::<Value>().await.unwrap()
        }
    };
    assert_eq!(list("spend_week=2026-W40").await["total"], 2);
    let yen = list("spend_week=2026-W40&currency=JPY").await;
    assert_eq!(yen["total"], 1);
    assert_eq!(yen["items"][0]["id"], b);
    assert_eq!(list("spend_week=2026-W39&currency=EUR").await["total"], 1);
    assert_eq!(
        app.api_get(&token, "/api/v1/incidents?currency=XYZ")
            .await
            .status(),
        400
    );

    let rates: Value = app
        .api_get(&token, "/api/v1/rates")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rates["missing"], json!(["JPY"]));

    // A corrected rate recomputes the week: 10.05 EUR at 1.30 = 13.065 → 13.07 USD.
    let res = app
        .api_put(
            &token,
            "/api/v1/rates",
            &json!([{"currency": "EUR", "from": "2026-10-01", "rate": "1.30"},
                    {"currency": "JPY", "from": "2026-09-01", "rate": "0.0067"}]),
        )
        .await;
    assert_eq!(res.status(), 200);
    let f = spend(&app, &token).await;
    assert_eq!(f["value"], 1000.0 + 1100.0 + 1307.0 + 670.0);
    assert_eq!(f["unconverted"], json!([]));

    // The page shows the same figure in the organisation currency.
    let page = app.page_text(&staff, "/reports/weekly?week=2026-W40").await;
    assert!(
        page.contains("40.77 USD"),
        "the report shows converted spend"
    );
}

#[tokio::test]
async fn rates_are_refused_whole_when_any_is_wrong_and_only_admins_keep_them() {
    let app = spawn_app().await;
    let token = api_token(&app, "Rates").await;
    for bad in [
        json!([{"currency": "EUR", "from": "2026-09-28", "rate": "1.1"},
               {"currency": "XXX", "from": "2026-09-28", "rate": "1"}]),
        json!([{"currency": "EUR", "from": "28/09/2026", "rate": "1.1"}]),
        json!([{"currency": "EUR", "from": "2026-09-28", "rate": "-1"}]),
        json!([{"currency": "EUR", "from": "2026-09-28", "rate": 0}]),
        json!([{"currency": "USD", "from": "2026-09-28", "rate": "1"}]),
        json!([{"currency": "EUR", "from": "2026-09-28"}]),
        json!([{"currency": "EUR", "from": "2026-09-28", "rate": "1.1"},
               {"currency": "EUR", "from": "2026-09-28", "rate": "1.2"}]),
        json!([]),
        json!({"currency": "EUR"}),
    ] {
        let res = app.api_put(&token, "/api/v1/rates", &bad).await;
        assert_eq!(res.status(), 400, "{bad}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM exchange_rates").await, 0);

    // The admin page: one rate by its form, then a CSV whose bad line saves nothing.
    let admin = app.staff_browser("admin").await;
    let form = [
        ("currency", "gbp"),
        ("from", "2026-09-01"),
        ("rate", "1.27"),
    ];
    assert_eq!(
        app.call(&admin, "org/rates/save", &form).await.status(),
        200
    );
    let csv = "currency,from,rate\nEUR,2026-09-01,1.08\nEUR,2026-13-01,1.09\n";
    let res = app.call(&admin, "org/rates/import", &[("csv", csv)]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("line 3"));
    assert_eq!(app.count("SELECT COUNT(*) FROM exchange_rates").await, 1);
    let csv = "currency,from,rate\nEUR,2026-09-01,1.08\nEUR,2026-10-01,1.09\n";
    let res = app.call(&admin, "org/rates/import", &[("csv", csv)]).await;
    assert_eq!(res.status(), 200);
    let manager = app.staff_browser("manager").await;
    assert_eq!(
        app.call(&manager, "org/rates/save", &form).await.status(),
        403
    );
    let page = app.page_text(&admin, "/admin/rates").await;
    for text in ["Rates to USD", "GBP", "1.27", "1.09"] {
        assert!(page.contains(text), "{text} missing from the rates page");
    }

    // Changing the organisation currency: rates to the old one no longer apply.
    let res = app
        .call(&admin, "org/currency", &[("currency", "eur")])
        .await;
    assert_eq!(res.status(), 200);
    let table: Value = app
        .api_get(&token, "/api/v1/rates")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(table["currency"], "EUR");
    assert_eq!(table["rates"], json!([]));
    let res = app
        .call(&admin, "org/currency", &[("currency", "euro")])
        .await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn a_customers_referral_revenue_is_converted_referral_by_referral() {
    let app = spawn_app().await;
    let token = api_token(&app, "Shop").await;
    let res = app
        .api_put(
            &token,
            "/api/v1/rates",
            &json!([{"currency": "EUR", "from": "2026-09-28", "rate": "1.10"}]),
        )
        .await;
    assert_eq!(res.status(), 200);
    let batch = json!([{"external_ref": "c-1", "name": "Dana Reyes"}]);
    let body: Value = app
        .api_post(&token, "/api/v1/customers", &batch)
        .await
        .json()
        .await
        .unwrap();
    let code = body["items"][0]["referral_code"]
        .as_str()
        .unwrap()
        .to_string();
    let friends = json!([{"external_ref": "f-1", "name": "Friend One", "referred_by_code": code}]);
    assert_eq!(
        app.api_post(&token, "/api/v1/customers", &friends)
            .await
            .status(),
        200
    );
    let order = |id: &str, amount: &str, currency: &str, at: &str| json!({"external_id": id, "customer": "f-1", "amount": {"amount": amount, "currency": currency}, "placed_at": at});
    let res = app
        .api_post(
            &token,
            "/api/v1/orders",
            &json!([
                order("o-1", "10.00", "USD", "2026-10-05T10:00:00Z"),
                order("o-2", "20.00", "EUR", "2026-10-05T10:00:00Z"), // 22.00 USD
                order("o-3", "5.00", "EUR", "2026-09-20T10:00:00Z"),  // before any rate
            ]),
        )
        .await;
    assert_eq!(res.status(), 200);

    let p: Value = app
        .api_get(&token, "/api/v1/customers/c-1/profile")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["referral_revenue_minor"], 3200, "10.00 + 22.00 USD");
    assert_eq!(p["referral_revenue_unrated"], 1);
    assert_eq!(
        p["referrals"][0]["revenue_minor"], 3200,
        "not 10 + 20 + 5 = 35"
    );
    assert_eq!(p["referrals"][0]["revenue_unrated"], 1);
}
