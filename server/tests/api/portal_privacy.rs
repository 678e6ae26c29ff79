//! The portal carries only what is the customer's to see: exact key sets per response, and no
//! staff note, name or decision in any response or page source.
use crate::helpers::*;
use serde_json::Value;
use std::collections::BTreeSet;

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn portal_responses_carry_exactly_the_fields_the_portal_shows_and_no_staff_notes() {
    let app = spawn_app().await;
    let (customer_browser, customer_id) = app.customer_browser().await;
    let reference = customer_id.to_string();
    let (_, staff) = staff_with_id(&app, "associate").await;
    let (_, manager) = staff_with_id(&app, "manager").await;
    let fields = [
        ("customer", reference.as_str()),
        ("description", "SECRET-DESCRIPTION staff wording"),
    ];
    let id = log_incident_with(&app, &staff, &fields).await.to_string();
    for (amount, note) in [
        ("5.00", "SECRET-ACTION-NOTE"),
        ("400.00", "SECRET-PENDING-NOTE"),
    ] {
        let res = app
            .call(
                &staff,
                "incidents/action",
                &[
                    ("id", &id),
                    ("kind", "refund"),
                    ("amount", amount),
                    ("currency", "USD"),
                    ("note", note),
                ],
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    app.call(
        &staff,
        "incidents/note",
        &[("id", &id), ("text", "SECRET-INTERNAL-NOTE")],
    )
    .await;
    let pending: i64 = app.count("SELECT MAX(id) FROM recovery_actions").await;
    let decided = decide(&app, &manager, pending, "approve", "SECRET-DECISION-NOTE").await;
    assert_eq!(decided.status(), 200);
    app.call(
        &staff,
        "incidents/notice",
        &[
            ("id", &id),
            ("subject", "Sorry"),
            ("body", "We refunded you."),
        ],
    )
    .await;

    let incidents: Value = app
        .call_json(&customer_browser, "portal/incidents", &[])
        .await;
    let incident = &incidents[0];
    assert_eq!(
        keys(incident),
        set(&[
            "id",
            "category",
            "status",
            "proactive",
            "subject_ref",
            "occurred_at",
            "resolved_at",
            "actions",
            "notices",
            "my_rating"
        ])
    );
    for action in incident["actions"].as_array().unwrap() {
        assert_eq!(keys(action), set(&["kind", "amount", "pending"]));
        assert_eq!(keys(&action["amount"]), set(&["minor", "currency"]));
    }
    assert_eq!(incident["actions"].as_array().unwrap().len(), 2);
    assert_eq!(
        keys(&incident["notices"][0]),
        set(&["subject", "body", "created_at"])
    );
    let summary: Value = app
        .call_json(&customer_browser, "portal/summary", &[])
        .await;
    assert_eq!(
        keys(&summary),
        set(&[
            "name",
            "email",
            "referral_code",
            "referral_link",
            "customer_since",
            "referrals_brought"
        ])
    );
    let stories: Value = app
        .call_json(&customer_browser, "portal/stories", &[])
        .await;
    assert!(stories.as_array().unwrap().is_empty());

    let page = app.page_text(&customer_browser, "/portal").await;
    assert!(
        page.contains("We refunded you."),
        "the page shows the notice"
    );
    let staff_names: Vec<String> = sqlx::query_scalar("SELECT name FROM staff_users")
        .fetch_all(&app.db)
        .await
        .unwrap();
    for (what, body) in [
        ("portal/incidents", incidents.to_string()),
        ("/portal page", page),
    ] {
        for secret in ["SECRET-", "created_by", "decided_by", "decision_note"] {
            assert!(!body.contains(secret), "{what} carries {secret}");
        }
        for name in &staff_names {
            assert!(
                !body.contains(name.as_str()),
                "{what} names staff member {name}"
            );
        }
    }
}

#[tokio::test]
async fn a_customer_is_one_since_their_first_order_or_answer_when_that_came_before_the_record() {
    let app = spawn_app().await;
    let (customer_browser, id) = app.customer_browser().await;
    let staff = app.staff_browser("associate").await;
    let since = |client: &reqwest::Client| {
        let app = &app;
        let client = client.clone();
        async move {
            let summary: Value = app.call_json(&client, "portal/summary", &[]).await;
            summary["customer_since"].as_i64().unwrap()
        }
    };
    let created: i64 = sqlx::query_scalar("SELECT created_at FROM customers WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        since(&customer_browser).await,
        created,
        "no orders or answers yet"
    );
    // An order a year before the record and an answer two years before it.
    let year = 365 * 86_400_000;
    sqlx::query(
        "INSERT INTO orders (external_id, customer_id, amount_minor, currency, placed_at, created_at)
         VALUES ('o-old', $1, 1200, 'USD', $2, $3)",
    )
    .bind(id)
    .bind(created - year)
    .bind(created)
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(since(&customer_browser).await, created - year);
    sqlx::query(
        "INSERT INTO feedback (customer_id, channel, score_type, score, received_at, assessment,
            reasons, entered_by_label, created_at)
         VALUES ($1, 'phone', 'csat', 5, $2, 'fine', '', 'test', $3)",
    )
    .bind(id)
    .bind(created - 2 * year)
    .bind(created)
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(since(&customer_browser).await, created - 2 * year);
    let detail: Value = app
        .call_json(&staff, "customers/get", &[("id", id.to_string().as_str())])
        .await;
    assert_eq!(detail["customer_since"].as_i64(), Some(created - 2 * year));
}
