//! Incidents over the server functions, as the pages call them.
use crate::helpers::*;
use reqwest::Client;
use serde_json::Value;

/// The incident list's filter form: everything blank on page 1 but for `fields`.
fn list_form<'a>(fields: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let filters = [
        "status", "category", "severity", "source", "assignee", "customer", "week", "overdue", "q",
        "sort",
    ];
    filter_form(&filters, fields)
}

async fn detail(app: &TestApp, client: &Client, id: i64) -> Value {
    app.call_json(client, "incidents/get", &[("id", &id.to_string())])
        .await
}

#[tokio::test]
async fn logging_an_incident_takes_the_category_severity_and_assigns_the_logger() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    customer(&app, &associate, "Dana Reyes", "c-1001").await;
    let id = log_incident(&app, &associate, "c-1001", "complaint").await;
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
    let cat = app.category_id("Billing").await.to_string();
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
    let id = log_incident(&app, &associate, "c-1001", "complaint").await;
    let no_cause = resolve(&app, &associate, id, "", "").await;
    assert_eq!(no_cause.status(), 422);
    let no_action = resolve(&app, &associate, id, "Old address on file", "").await;
    assert_eq!(no_action.status(), 422);
    assert_eq!(
        recovery_action(&app, &associate, id, "replacement", "", "usd")
            .await
            .status(),
        200
    );
    let ok = resolve(&app, &associate, id, "Old address on file", "").await;
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
    let id = log_incident(&app, &associate, "c-1001", "staff").await;
    let res = resolve(
        &app,
        &associate,
        id,
        "Carrier glitch",
        "Parcel arrived next day",
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(reopen(&app, &associate, id, "").await.status(), 422);
    assert_eq!(
        reopen(&app, &associate, id, "It did not arrive")
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
    assert_eq!(reopen(&app, &associate, id, "again").await.status(), 409);
}

#[tokio::test]
async fn refunds_over_the_limit_wait_for_a_manager_and_under_it_apply_at_once() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    let manager = app.staff_browser("manager").await;
    customer(&app, &associate, "Dana Reyes", "c-1001").await;
    let id = log_incident(&app, &associate, "c-1001", "complaint").await;
    let small: String =
        ok_json(recovery_action(&app, &associate, id, "refund", "4.00", "usd").await).await;
    assert_eq!(small, "applied");
    let big: String =
        ok_json(recovery_action(&app, &associate, id, "refund", "120.00", "usd").await).await;
    assert_eq!(big, "pending");
    assert_eq!(
        detail(&app, &associate, id).await["incident"]["status"],
        "recovering"
    );

    let queue: Value = app.call_json(&manager, "incidents/approvals", &[]).await;
    assert_eq!(queue.as_array().unwrap().len(), 1);
    let action_id = queue[0]["action"]["id"].as_i64().unwrap();
    assert_eq!(queue[0]["action"]["amount"]["minor"], 12000);

    let by_associate = decide(&app, &associate, action_id, "approve", "").await;
    assert_eq!(by_associate.status(), 403, "associates cannot approve");
    let decline_without_note = decide(&app, &manager, action_id, "decline", "").await;
    assert_eq!(decline_without_note.status(), 422);
    let approve = decide(&app, &manager, action_id, "approve", "Loyal customer").await;
    assert_eq!(approve.status(), 200);
    let again = decide(&app, &manager, action_id, "approve", "").await;
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
    let form = incident_settings(&[("approval_limit", "2.00")]);
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
    let bad = with_fields(
        &incident_settings(&[("approval_limit", "lots")]),
        &[("ack_minor", "0")],
    );
    assert_eq!(
        app.call(&manager, "incidents/settings/save", &bad)
            .await
            .status(),
        422
    );
    customer(&app, &associate, "Dana Reyes", "c-1001").await;
    let id = log_incident(&app, &associate, "c-1001", "complaint").await;
    let status: String =
        ok_json(recovery_action(&app, &associate, id, "credit", "3.00", "usd").await).await;
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
    let old = log_incident(&app, &associate, "c-1001", "complaint").await;
    let fresh = log_incident(&app, &associate, "c-1001", "complaint").await;
    // Detected five hours ago: a major incident must be acknowledged within four.
    let five_hours_ago = app::db::now_ms() - 5 * 3_600_000;
    sqlx::query("UPDATE incidents SET detected_at = $1 WHERE id = $2")
        .bind(five_hours_ago)
        .bind(old)
        .execute(&app.db)
        .await
        .unwrap();
    let list = |overdue: &'static str| {
        let (app, associate) = (&app, &associate);
        async move {
            let form = list_form(&[("overdue", overdue)]);
            app.call_json(associate, "incidents/list", &form).await
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
    log_incident(&app, &associate, "c-1001", "complaint").await;
    let mei = log_incident(&app, &associate, "c-1004", "staff").await;
    sqlx::query("UPDATE incidents SET description = 'Stuck ring', detected_at = $1 WHERE id = $2")
        .bind(1_763_510_400_000i64) // 2025-11-19, ISO week 2025-W47
        .bind(mei)
        .execute(&app.db)
        .await
        .unwrap();
    let dana = dana.to_string();
    for (fields, expected) in [
        (vec![("customer", dana.as_str())], 1),
        (vec![("week", "2025-W47")], 1),
        (vec![("q", "ring")], 1),
        (vec![("q", "MEI")], 1),
        (vec![("status", "resolved")], 0),
        (vec![("status", "open")], 2),
        (vec![("proactive", "1")], 1),
    ] {
        let form = list_form(&fields);
        let v = app.call_json(&associate, "incidents/list", &form).await;
        assert_eq!(v["total"], expected, "{form:?}");
    }
    let bad_week = list_form(&[("week", "2025-W60")]);
    assert_eq!(
        app.call(&associate, "incidents/list", &bad_week)
            .await
            .status(),
        422
    );
}

#[tokio::test]
async fn a_later_complaint_is_recorded_and_keeps_the_incident_proactive() {
    let app = spawn_app().await;
    let associate = app.staff_browser("associate").await;
    customer(&app, &associate, "Dana Reyes", "c-1001").await;
    let id = log_incident(&app, &associate, "c-1001", "staff").await;
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
    let reference = customer_id.to_string();
    let id = log_incident(&app, &associate, &reference, "staff").await;
    recovery_action(&app, &associate, id, "refund", "3.99", "usd").await;
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

    let mine: Value = app.call_json(&portal_client, "portal/incidents", &[]).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["proactive"], true);
    assert_eq!(mine[0]["actions"][0]["amount"]["minor"], 399);
    assert_eq!(mine[0]["notices"][0]["subject"], "Sorry about your parcel");
    assert!(
        !mine.to_string().contains("carrier to blame"),
        "internal notes never reach the portal"
    );

    let (other, _) = app.customer_browser().await;
    let theirs: Value = app.call_json(&other, "portal/incidents", &[]).await;
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
    let manager = app.staff_browser("manager").await;
    for (client, who, path, status) in [
        (&associate, "associate", "/incidents", 200),
        (&associate, "associate", "/incidents/new", 200),
        (&associate, "associate", "/incidents/approvals", 403),
        (&associate, "associate", "/incidents/settings", 403),
        (&manager, "manager", "/incidents/approvals", 200),
    ] {
        assert_eq!(app.get(client, path).await.status(), status, "{who} {path}");
    }
    let (customer, _) = app.customer_browser().await;
    assert_eq!(
        app.call(&customer, "incidents/list", &list_form(&[]))
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
    let first = log_incident(&app, &associate, "c-1001", "complaint").await;
    log_incident(&app, &associate, "c-1001", "staff").await;
    recovery_action(&app, &associate, first, "refund", "500.00", "usd").await;
    let a: Value = app.call_json(&associate, "dashboard/attention", &[]).await;
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
