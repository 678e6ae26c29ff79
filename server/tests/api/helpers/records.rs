//! Records set up through the staff forms as people enter them: customers, incidents and their
//! recovery, feedback, stories and teams. Each form has sensible defaults a test overrides.
use reqwest::{Client, Response};

use super::browsing::{ok_json, with_fields};
use super::spawn::TestApp;

/// The staff form for a customer, blank but for `fields`.
pub fn customer_form<'a>(fields: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let blank = [
        ("name", ""),
        ("email", ""),
        ("phone", ""),
        ("external_ref", ""),
        ("segment", ""),
    ];
    with_fields(&blank, fields)
}

/// Adds a customer with the email `{reference}@example.com` through the staff form; returns
/// their id.
pub async fn customer(app: &TestApp, client: &Client, name: &str, reference: &str) -> i64 {
    let email = format!("{reference}@example.com");
    let form = customer_form(&[
        ("name", name),
        ("email", &email),
        ("external_ref", reference),
    ]);
    ok_json(app.call(client, "customers/create", &form).await).await
}

impl TestApp {
    /// The id of the incident category `name`.
    pub async fn category_id(&self, name: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM incident_categories WHERE name = $1")
            .bind(name)
            .fetch_one(&self.db)
            .await
            .unwrap()
    }
}

/// Logs an incident through the staff form: a Delivery complaint from customer c-1001 unless
/// `fields` say otherwise. Returns its id.
pub async fn log_incident_with(app: &TestApp, client: &Client, fields: &[(&str, &str)]) -> i64 {
    let category = app.category_id("Delivery").await.to_string();
    let defaults = [
        ("customer", "c-1001"),
        ("new_customer_name", ""),
        ("category_id", category.as_str()),
        ("severity", ""),
        ("source", "complaint"),
        ("occurred_at", ""),
        ("subject_ref", ""),
        ("description", "Parcel went to the old address"),
    ];
    let form = with_fields(&defaults, fields);
    ok_json(app.call(client, "incidents/create", &form).await).await
}

/// Logs a Delivery incident for the customer with `reference` through the staff form; returns
/// its id.
pub async fn log_incident(app: &TestApp, client: &Client, reference: &str, source: &str) -> i64 {
    log_incident_with(app, client, &[("customer", reference), ("source", source)]).await
}

/// Records a recovery action (`amount` empty for kinds without one) on incident `id`.
pub async fn recovery_action(
    app: &TestApp,
    client: &Client,
    id: i64,
    kind: &str,
    amount: &str,
    currency: &str,
) -> Response {
    app.call(
        client,
        "incidents/action",
        &[
            ("id", &id.to_string()),
            ("kind", kind),
            ("amount", amount),
            ("currency", currency),
            ("note", ""),
        ],
    )
    .await
}

/// Records a refund of `amount` `currency` on incident `id`, applied at `at`.
pub async fn applied_action(
    app: &TestApp,
    client: &Client,
    id: i64,
    amount: &str,
    currency: &str,
    at: i64,
) {
    let res = recovery_action(app, client, id, "refund", amount, currency).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    sqlx::query(
        "UPDATE recovery_actions SET status = 'applied', created_at = $1, decided_at = $1
         WHERE id = (SELECT MAX(id) FROM recovery_actions)",
    )
    .bind(at)
    .execute(&app.db)
    .await
    .unwrap();
}

/// Approves or declines the recovery action `action` waiting for a decision.
pub async fn decide(
    app: &TestApp,
    client: &Client,
    action: i64,
    decision: &str,
    note: &str,
) -> Response {
    app.call(
        client,
        "incidents/decide",
        &[
            ("action_id", &action.to_string()),
            ("decision", decision),
            ("note", note),
        ],
    )
    .await
}

/// Resolves incident `id` with a root cause and, where no action was taken, the reason.
pub async fn resolve(
    app: &TestApp,
    client: &Client,
    id: i64,
    root_cause: &str,
    no_action_reason: &str,
) -> Response {
    app.call(
        client,
        "incidents/resolve",
        &[
            ("id", &id.to_string()),
            ("root_cause", root_cause),
            ("no_action_reason", no_action_reason),
        ],
    )
    .await
}

/// Reopens the resolved incident `id`, saying why.
pub async fn reopen(app: &TestApp, client: &Client, id: i64, reason: &str) -> Response {
    app.call(
        client,
        "incidents/reopen",
        &[("id", &id.to_string()), ("reason", reason)],
    )
    .await
}

/// The incident settings form with these approval fields and the default service levels.
pub fn incident_settings<'a>(approvals: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let levels = [
        ("ack_minor", "24"),
        ("ack_major", "4"),
        ("ack_critical", "1"),
        ("resolve_minor", "120"),
        ("resolve_major", "48"),
        ("resolve_critical", "8"),
    ];
    approvals.iter().copied().chain(levels).collect()
}

/// Records feedback through the staff form: a top CSAT score from customer c-1001 by phone,
/// unless `fields` say otherwise.
pub async fn give_feedback(app: &TestApp, client: &Client, fields: &[(&str, &str)]) -> Response {
    let defaults = [
        ("customer", "c-1001"),
        ("channel", "phone"),
        ("score_type", "csat"),
        ("score", "5"),
        ("comment", ""),
        ("received_at", ""),
        ("incident", ""),
        ("order_ref", ""),
    ];
    app.call(client, "feedback/create", &with_fields(&defaults, fields))
        .await
}

/// Logs a story through the staff form with sensible defaults, overridden by `fields`.
pub async fn log_story(app: &TestApp, client: &Client, fields: &[(&str, &str)]) -> Response {
    let defaults = [
        ("title", "Reshipped to the new address"),
        ("kind", "turned_around"),
        ("situation", "The parcel went to the old flat."),
        ("action_taken", "Sent a new one by courier."),
        ("result", "It arrived the same day."),
    ];
    app.call(client, "stories/create", &with_fields(&defaults, fields))
        .await
}

/// [`log_story`], which must succeed; the story's id.
pub async fn logged_story(app: &TestApp, client: &Client, fields: &[(&str, &str)]) -> i64 {
    ok_json(log_story(app, client, fields).await).await
}

/// Creates the team `name` as `admin` and puts `people` in it; returns its id.
pub async fn team(app: &TestApp, admin: &Client, name: &str, people: &[i64]) -> i64 {
    let id: i64 = ok_json(app.call(admin, "org/teams/create", &[("name", name)]).await).await;
    for person in people {
        let res = app
            .call(
                admin,
                "org/teams/assign",
                &[("staff_id", &person.to_string()), ("team", &id.to_string())],
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    id
}
