//! Incidents over the server functions, as the pages call them.
use crate::helpers::*;
use reqwest::Client;
use serde_json::Value;

async fn category(app: &TestApp, name: &str) -> String {
    let id: i64 = sqlx::query_scalar("SELECT id FROM incident_categories WHERE name = $1")
        .bind(name)
        .fetch_one(&app.db)
        .await
        .unwrap();
    id.to_string()
}

async fn log(app: &TestApp, client: &Client, reference: &str, source: &str) -> i64 {
    log_incident(app, client, reference, source).await
}

async fn detail(app: &TestApp, client: &Client, id: i64) -> Value {
    app.call(client, "incidents/get", &[("id", &id.to_string())])
        .await
        .json()
        .await
        .unwrap()
}

async fn act(
    app: &TestApp,
    client: &Client,
    id: i64,
    kind: &str,
    amount: &str,
) -> reqwest::Response {
    app.call(
        client,
        "incidents/action",
        &[
            ("id", &id.to_string()),
            ("kind", kind),
            ("amount", amount),
            ("currency", "usd"),
            ("note", ""),
        ],
    )
    .await
}

#[tokio::test]
async fn logging_an_incident_takes_the_category_severity_and_assigns_the_logger() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    customer(&app, &associate, "Dana Reyes", "c-1001").await;
    let id = log(&app, &associate, "c-1001", "complaint").await;
    let d = detail(&app, &associate, id).await;
    assert_eq!(d["incident"]["severity"], "major");
    assert_eq!(d["incident"]["status"], "open");
    assert_eq!(
        d["incident"]["proactive"], false,
        "a complaint is never proactive"
    );
    assert!(d["incident"]["assignee_name"]
        .as_str()
        .unwrap()
        .starts_with("Test associate"));
    assert_eq!(d["timeline"][0]["kind"], "created");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'incident.created'")
            .await,
        1
    );
}

#[tokio::test]
async fn an_incident_can_create_its_customer_on_the_spot() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    let cat = category(&app, "Billing").await;
    let res = app
        .call(
            &associate,
            "incidents/create",
            &[
                ("customer", ""),
                ("new_customer_name", "Walk In"),
                ("category_id", &cat),
                ("severity", "critical"),
                ("source", "staff"),
                ("occurred_at", "2026-11-20T10:00"),
                ("subject_ref", ""),
                ("description", "Charged twice"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM customers WHERE name = 'Walk In'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM incidents WHERE severity = 'critical' AND proactive = 1")
            .await,
        1
    );
}

#[tokio::test]
async fn a_bad_incident_is_refused_per_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    let res = app
        .call(
            &associate,
            "incidents/create",
            &[
                ("customer", "nobody"),
                ("new_customer_name", ""),
                ("category_id", "999"),
                ("severity", ""),
                ("source", "complaint"),
                ("occurred_at", ""),
                ("subject_ref", ""),
                ("description", "x"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .call(
            &associate,
            "incidents/create",
            &[
                ("customer", ""),
                ("new_customer_name", ""),
                ("category_id", ""),
                ("severity", "huge"),
                ("source", "gossip"),
                ("occurred_at", "soon"),
                ("subject_ref", ""),
                ("description", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(app.count("SELECT COUNT(*) FROM incidents").await, 0);
}

#[tokio::test]
async fn resolving_needs_a_root_cause_and_an_action_or_a_reason() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    customer(&app, &associate, "Dana Reyes", "c-1001").await;
    let id = log(&app, &associate, "c-1001", "complaint").await;
    let sid = id.to_string();
    let no_cause = app
        .call(
            &associate,
            "incidents/resolve",
            &[("id", &sid), ("root_cause", ""), ("no_action_reason", "")],
        )
        .await;
    assert_eq!(no_cause.status(), 422);
    let no_action = app
        .call(
            &associate,
            "incidents/resolve",
            &[
                ("id", &sid),
                ("root_cause", "Old address on file"),
                ("no_action_reason", ""),
            ],
        )
        .await;
    assert_eq!(no_action.status(), 422);
    assert_eq!(
        act(&app, &associate, id, "replacement", "").await.status(),
        200
    );
    let ok = app
        .call(
            &associate,
            "incidents/resolve",
            &[
                ("id", &sid),
                ("root_cause", "Old address on file"),
                ("no_action_reason", ""),
            ],
        )
        .await;
    assert_eq!(ok.status(), 200);
    let d = detail(&app, &associate, id).await;
    assert_eq!(d["incident"]["status"], "resolved");
    assert_eq!(d["incident"]["sla"], "Met");
    assert!(d["incident"]["acknowledged_at"].is_i64());
}

#[tokio::test]
async fn a_reason_stands_in_for_an_action_and_a_resolved_incident_can_be_reopened() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    customer(&app, &associate, "Dana Reyes", "c-1001").await;
    let id = log(&app, &associate, "c-1001", "staff").await;
    let sid = id.to_string();
    let res = app
        .call(
            &associate,
            "incidents/resolve",
            &[
                ("id", &sid),
                ("root_cause", "Carrier glitch"),
                ("no_action_reason", "Parcel arrived next day"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.call(
            &associate,
            "incidents/reopen",
            &[("id", &sid), ("reason", "")]
        )
        .await
        .status(),
        422
    );
    assert_eq!(
        app.call(
            &associate,
            "incidents/reopen",
            &[("id", &sid), ("reason", "It did not arrive")]
        )
        .await
        .status(),
        200
    );
    let d = detail(&app, &associate, id).await;
    assert_eq!(d["incident"]["status"], "recovering");
    assert!(d["incident"]["resolved_at"].is_null());
    let kinds: Vec<&str> = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    // Resolving also asked the customer how it went (they have an email address).
    assert_eq!(kinds, ["created", "resolved", "survey", "reopened"]);
    assert_eq!(
        app.call(
            &associate,
            "incidents/reopen",
            &[("id", &sid), ("reason", "again")]
        )
        .await
        .status(),
        409
    );
}

#[tokio::test]
async fn refunds_over_the_limit_wait_for_a_manager_and_under_it_apply_at_once() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    let manager = app.staff_browser("manager").await;
    customer(&app, &associate, "Dana Reyes", "c-1001").await;
    let id = log(&app, &associate, "c-1001", "complaint").await;
    let small: String = act(&app, &associate, id, "refund", "4.00")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(small, "applied");
    let big: String = act(&app, &associate, id, "refund", "120.00")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(big, "pending");
    assert_eq!(
        detail(&app, &associate, id).await["incident"]["status"],
        "recovering"
    );

    let queue: Value = app
        .call(&manager, "incidents/approvals", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue.as_array().unwrap().len(), 1);
    let action_id = queue[0]["action"]["id"].as_i64().unwrap().to_string();
    assert_eq!(queue[0]["action"]["amount"]["minor"], 12000);

    let by_associate = app
        .call(
            &associate,
            "incidents/decide",
            &[
                ("action_id", &action_id),
                ("decision", "approve"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(by_associate.status(), 403, "associates cannot approve");
    let decline_without_note = app
        .call(
            &manager,
            "incidents/decide",
            &[
                ("action_id", &action_id),
                ("decision", "decline"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(decline_without_note.status(), 422);
    let approve = app
        .call(
            &manager,
            "incidents/decide",
            &[
                ("action_id", &action_id),
                ("decision", "approve"),
                ("note", "Loyal customer"),
            ],
        )
        .await;
    assert_eq!(approve.status(), 200);
    let again = app
        .call(
            &manager,
            "incidents/decide",
            &[
                ("action_id", &action_id),
                ("decision", "approve"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(again.status(), 409, "a decision is made once");
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT status FROM recovery_actions ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(statuses, ["applied", "applied"]);
}

#[tokio::test]
async fn the_approval_limit_and_service_levels_are_managed_by_managers_only() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    let manager = app.staff_browser("manager").await;
    let form = [
        ("approval_limit", "2.00"),
        ("ack_minor", "24"),
        ("ack_major", "4"),
        ("ack_critical", "1"),
        ("resolve_minor", "120"),
        ("resolve_major", "48"),
        ("resolve_critical", "8"),
    ];
    assert_eq!(
        app.call(&associate, "incidents/settings/save", &form)
            .await
            .status(),
        403
    );
    assert_eq!(
        app.call(&manager, "incidents/settings/save", &form)
            .await
            .status(),
        200
    );
    let bad = [
        ("approval_limit", "lots"),
        ("ack_minor", "0"),
        ("ack_major", "4"),
        ("ack_critical", "1"),
        ("resolve_minor", "120"),
        ("resolve_major", "48"),
        ("resolve_critical", "8"),
    ];
    assert_eq!(
        app.call(&manager, "incidents/settings/save", &bad)
            .await
            .status(),
        422
    );
    customer(&app, &associate, "Dana Reyes", "c-1001").await;
    let id = log(&app, &associate, "c-1001", "complaint").await;
    let status: String = act(&app, &associate, id, "credit", "3.00")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status, "pending", "the new lower limit applies");
    let categories = [
        ("id", ""),
        ("name", "Wrong size"),
        ("default_severity", "minor"),
        ("active", "1"),
    ];
    assert_eq!(
        app.call(&associate, "incidents/categories/save", &categories)
            .await
            .status(),
        403
    );
    assert_eq!(
        app.call(&manager, "incidents/categories/save", &categories)
            .await
            .status(),
        200
    );
    assert_eq!(
        app.call(&manager, "incidents/categories/save", &categories)
            .await
            .status(),
        422,
        "names are unique"
    );
}

#[tokio::test]
async fn overdue_incidents_are_found_by_the_filter() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    customer(&app, &associate, "Dana Reyes", "c-1001").await;
    let old = log(&app, &associate, "c-1001", "complaint").await;
    let fresh = log(&app, &associate, "c-1001", "complaint").await;
    // Detected five hours ago: a major incident must be acknowledged within four.
    let five_hours_ago = app::db::now_ms() - 5 * 3_600_000;
    sqlx::query("UPDATE incidents SET detected_at = $1 WHERE id = $2")
        .bind(five_hours_ago)
        .bind(old)
        .execute(&app.db)
        .await
        .unwrap();
    let list = |overdue: &'static str| {
        let app = &app;
        let associate = &associate;
        async move {
            let v: Value = app
                .call(
                    associate,
                    "incidents/list",
                    &[
                        ("status", ""),
                        ("category", ""),
                        ("severity", ""),
                        ("source", ""),
                        ("assignee", ""),
                        ("customer", ""),
                        ("week", ""),
                        ("overdue", overdue),
                        ("q", ""),
                        ("sort", ""),
                        ("page", "1"),
                    ],
                )
                .await
                .json()
                .await
                .unwrap();
            v
        }
    };
    let overdue = list("1").await;
    assert_eq!(overdue["total"], 1);
    assert_eq!(overdue["items"][0]["id"], old);
    assert!(overdue["items"][0]["sla"]["Overdue"].is_object());
    let all = list("").await;
    assert_eq!(all["total"], 2);
    assert_eq!(all["items"][0]["id"], fresh, "newest first");
}

#[tokio::test]
async fn the_list_filters_by_status_customer_week_and_text() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    let dana = customer(&app, &associate, "Dana Reyes", "c-1001").await;
    customer(&app, &associate, "Mei Chen", "c-1004").await;
    log(&app, &associate, "c-1001", "complaint").await;
    let mei = log(&app, &associate, "c-1004", "staff").await;
    sqlx::query("UPDATE incidents SET description = 'Stuck ring', detected_at = $1 WHERE id = $2")
        .bind(1_763_510_400_000i64) // 2025-11-19, ISO week 2025-W47
        .bind(mei)
        .execute(&app.db)
        .await
        .unwrap();
    let query = |status: &str, customer: &str, week: &str, q: &str| {
        [
            ("status", status.to_string()),
            ("category", String::new()),
            ("severity", String::new()),
            ("source", String::new()),
            ("assignee", String::new()),
            ("customer", customer.to_string()),
            ("week", week.to_string()),
            ("overdue", String::new()),
            ("q", q.to_string()),
            ("sort", String::new()),
            ("page", "1".to_string()),
        ]
    };
    for (form, expected) in [
        (query("", &dana.to_string(), "", ""), 1),
        (query("", "", "2025-W47", ""), 1),
        (query("", "", "", "ring"), 1),
        (query("", "", "", "MEI"), 1),
        (query("resolved", "", "", ""), 0),
        (query("open", "", "", ""), 2),
    ] {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let v: Value = app
            .call(&associate, "incidents/list", &form)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(v["total"], expected, "{form:?}");
    }
    let mut proactive: Vec<(&str, String)> = query("", "", "", "").into();
    proactive.push(("proactive", "1".to_string()));
    let form: Vec<(&str, &str)> = proactive.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let v: Value = app
        .call(&associate, "incidents/list", &form)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        v["total"], 1,
        "only the incident noticed by staff is proactive"
    );
    let bad_week: Vec<(&str, String)> = query("", "", "2025-W60", "").into();
    let form: Vec<(&str, &str)> = bad_week.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.call(&associate, "incidents/list", &form).await.status(),
        422
    );
}

#[tokio::test]
async fn a_later_complaint_is_recorded_and_keeps_the_incident_proactive() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    customer(&app, &associate, "Dana Reyes", "c-1001").await;
    let id = log(&app, &associate, "c-1001", "staff").await;
    let res = app
        .call(
            &associate,
            "incidents/complaint",
            &[("id", &id.to_string()), ("text", "Called about it")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let d = detail(&app, &associate, id).await;
    assert_eq!(d["incident"]["proactive"], true);
    assert!(d["complained_at"].is_i64());
}

#[tokio::test]
async fn a_notice_is_queued_for_email_and_shown_only_to_its_customer_without_internal_notes() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    let (portal_client, customer_id) = app.customer_browser().await;
    let reference: String = sqlx::query_scalar("SELECT external_ref FROM customers WHERE id = $1")
        .bind(customer_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let id = log(&app, &associate, &reference, "staff").await;
    act(&app, &associate, id, "refund", "3.99").await;
    app.call(
        &associate,
        "incidents/note",
        &[
            ("id", &id.to_string()),
            ("text", "Internal: carrier to blame"),
        ],
    )
    .await;
    let res = app
        .call(
            &associate,
            "incidents/notice",
            &[
                ("id", &id.to_string()),
                ("subject", "Sorry about your parcel"),
                ("body", "We refunded 3.99 USD."),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_outbox WHERE status = 'queued'")
            .await,
        1
    );

    let mine: Value = app
        .call(&portal_client, "portal/incidents", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["proactive"], true);
    assert_eq!(mine[0]["actions"][0]["amount"]["minor"], 399);
    assert_eq!(mine[0]["notices"][0]["subject"], "Sorry about your parcel");
    assert!(
        !mine.to_string().contains("carrier to blame"),
        "internal notes never reach the portal"
    );

    let (other, _) = app.customer_browser().await;
    let theirs: Value = app
        .call(&other, "portal/incidents", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs.as_array().unwrap().len(), 0);
    assert_eq!(
        app.call(&portal_client, "incidents/get", &[("id", &id.to_string())])
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn incident_pages_need_staff_and_manager_pages_need_managers() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    assert_eq!(
        associate
            .get(app.url("/incidents"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        associate
            .get(app.url("/incidents/new"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        associate
            .get(app.url("/incidents/approvals"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        associate
            .get(app.url("/incidents/settings"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let manager = app.staff_browser("manager").await;
    assert_eq!(
        manager
            .get(app.url("/incidents/approvals"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let (customer, _) = app.customer_browser().await;
    assert_eq!(
        app.call(
            &customer,
            "incidents/list",
            &[
                ("status", ""),
                ("category", ""),
                ("severity", ""),
                ("source", ""),
                ("assignee", ""),
                ("customer", ""),
                ("week", ""),
                ("overdue", ""),
                ("q", ""),
                ("sort", ""),
                ("page", "1")
            ]
        )
        .await
        .status(),
        403
    );
}

#[tokio::test]
async fn the_dashboard_counts_what_needs_attention() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    customer(&app, &associate, "Dana Reyes", "c-1001").await;
    let first = log(&app, &associate, "c-1001", "complaint").await;
    log(&app, &associate, "c-1001", "staff").await;
    act(&app, &associate, first, "refund", "500.00").await;
    let a: Value = app
        .call(&associate, "dashboard/attention", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            a["open"].as_i64(),
            a["recovering"].as_i64(),
            a["mine"].as_i64()
        ),
        (Some(1), Some(1), Some(2))
    );
    assert_eq!(a["pending_approvals"], 1);
    assert_eq!(
        (
            a["incidents_this_week"].as_i64(),
            a["proactive_this_week"].as_i64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(a["overdue"], 0);
}
