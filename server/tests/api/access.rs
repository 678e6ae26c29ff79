//! Every server function checked against every kind of caller, and staff pages against
//! visitors who may not see them.
use crate::helpers::*;
use reqwest::Client;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Caller {
    Anonymous,
    Customer,
    Associate,
    Manager,
    Admin,
}

#[derive(Clone, Copy)]
enum Needs {
    Anyone,
    Staff,
    Manager,
    Admin,
    Customer,
}

/// A server function's endpoint, valid arguments for it, and who may call it.
type Endpoint = (&'static str, Vec<(&'static str, String)>, Needs);

/// Every server function with valid arguments and who may call it.
fn server_functions(customer_id: &str) -> Vec<Endpoint> {
    let s = |v: &str| v.to_string();
    vec![
        ("viewer", vec![], Needs::Anyone),
        (
            "customers/list",
            vec![("q", s("")), ("sort", s("name")), ("page", s("1"))],
            Needs::Staff,
        ),
        ("customers/get", vec![("id", s(customer_id))], Needs::Staff),
        (
            "customers/create",
            vec![
                ("name", s("Matrix Person")),
                ("email", s("")),
                ("phone", s("")),
                ("external_ref", s("")),
                ("segment", s("")),
            ],
            Needs::Staff,
        ),
        (
            "customers/update",
            vec![
                ("id", s(customer_id)),
                ("name", s("Renamed")),
                ("email", s("")),
                ("phone", s("")),
                ("external_ref", s("")),
                ("segment", s("")),
            ],
            Needs::Staff,
        ),
        ("admin/users/list", vec![], Needs::Admin),
        (
            "admin/users/create",
            vec![
                ("email", s("new-colleague@example.com")),
                ("name", s("New Colleague")),
                ("role", s("associate")),
                ("password", s("violet harbor nineteen kites")),
            ],
            Needs::Admin,
        ),
        (
            "admin/users/update",
            vec![
                ("id", s("999999")),
                ("role", s("associate")),
                ("active", s("1")),
            ],
            Needs::Admin,
        ),
        ("admin/tokens/list", vec![], Needs::Admin),
        (
            "admin/tokens/create",
            vec![("name", s("Survey tool"))],
            Needs::Admin,
        ),
        (
            "admin/tokens/revoke",
            vec![("id", s("999999"))],
            Needs::Admin,
        ),
        ("admin/invitations/list", vec![], Needs::Admin),
        (
            "admin/invitations/create",
            vec![("customer", s("nobody-here"))],
            Needs::Admin,
        ),
        ("portal/summary", vec![], Needs::Customer),
        ("portal/incidents", vec![], Needs::Customer),
        ("customers/search", vec![("q", s("da"))], Needs::Staff),
        (
            "incidents/list",
            [
                "status", "category", "severity", "source", "assignee", "customer", "week",
                "overdue", "q", "sort",
            ]
            .into_iter()
            .map(|k| (k, s("")))
            .chain([("page", s("1"))])
            .collect(),
            Needs::Staff,
        ),
        ("incidents/get", vec![("id", s("999999"))], Needs::Staff),
        ("incidents/categories", vec![], Needs::Staff),
        ("incidents/filter-options", vec![], Needs::Staff),
        (
            "incidents/create",
            vec![
                ("customer", s(customer_id)),
                ("new_customer_name", s("")),
                ("category_id", s("1")),
                ("severity", s("")),
                ("source", s("complaint")),
                ("occurred_at", s("")),
                ("subject_ref", s("")),
                ("description", s("Matrix")),
            ],
            Needs::Staff,
        ),
        ("incidents/start", vec![("id", s("999999"))], Needs::Staff),
        (
            "incidents/resolve",
            vec![
                ("id", s("999999")),
                ("root_cause", s("x")),
                ("no_action_reason", s("y")),
            ],
            Needs::Staff,
        ),
        (
            "incidents/reopen",
            vec![("id", s("999999")), ("reason", s("x"))],
            Needs::Staff,
        ),
        (
            "incidents/assign",
            vec![("id", s("999999")), ("assignee_id", s("1"))],
            Needs::Staff,
        ),
        (
            "incidents/action",
            vec![
                ("id", s("999999")),
                ("kind", s("apology")),
                ("amount", s("")),
                ("currency", s("")),
                ("note", s("")),
            ],
            Needs::Staff,
        ),
        (
            "incidents/note",
            vec![("id", s("999999")), ("text", s("x"))],
            Needs::Staff,
        ),
        (
            "incidents/complaint",
            vec![("id", s("999999")), ("text", s(""))],
            Needs::Staff,
        ),
        (
            "incidents/notice",
            vec![("id", s("999999")), ("subject", s("x")), ("body", s("y"))],
            Needs::Staff,
        ),
        ("incidents/approvals", vec![], Needs::Manager),
        (
            "incidents/decide",
            vec![
                ("action_id", s("999999")),
                ("decision", s("approve")),
                ("note", s("")),
            ],
            Needs::Manager,
        ),
        ("incidents/settings", vec![], Needs::Manager),
        (
            "incidents/settings/save",
            vec![
                ("approval_limit", s("50")),
                ("ack_minor", s("24")),
                ("ack_major", s("4")),
                ("ack_critical", s("1")),
                ("resolve_minor", s("120")),
                ("resolve_major", s("48")),
                ("resolve_critical", s("8")),
            ],
            Needs::Manager,
        ),
        ("dashboard/attention", vec![], Needs::Staff),
        ("rules/list", vec![], Needs::Manager),
        ("rules/get", vec![("id", s("999999"))], Needs::Manager),
        (
            "rules/save",
            vec![("id", s("")), ("form[name]", s(""))],
            Needs::Manager,
        ),
        (
            "rules/enable",
            vec![("id", s("999999")), ("enabled", s("0"))],
            Needs::Manager,
        ),
        (
            "rules/try",
            vec![
                ("form[name]", s("")),
                ("sample_kind", s("")),
                ("sample_value", s("1")),
                ("sample_amount", s("")),
            ],
            Needs::Manager,
        ),
        ("admin/outbox", vec![], Needs::Admin),
        (
            "feedback/list",
            [
                "assessment",
                "score_type",
                "channel",
                "customer",
                "week",
                "q",
            ]
            .into_iter()
            .map(|k| (k, s("")))
            .chain([("page", s("1"))])
            .collect(),
            Needs::Staff,
        ),
        (
            "feedback/create",
            vec![
                ("customer", s(customer_id)),
                ("channel", s("phone")),
                ("score_type", s("csat")),
                ("score", s("5")),
                ("comment", s("Wonderful, thank you!")),
                ("received_at", s("")),
                ("incident", s("")),
                ("order_ref", s("")),
            ],
            Needs::Staff,
        ),
        (
            "feedback/customer",
            vec![("customer_id", s(customer_id))],
            Needs::Staff,
        ),
        (
            "follow-ups/list",
            vec![("queue", s("team")), ("page", s("1"))],
            Needs::Staff,
        ),
        ("follow-ups/counts", vec![], Needs::Staff),
        ("follow-ups/get", vec![("id", s("999999"))], Needs::Staff),
        (
            "follow-ups/attempt",
            vec![
                ("id", s("999999")),
                ("channel", s("phone")),
                ("at", s("")),
                ("reached", s("no")),
                ("note", s("")),
            ],
            Needs::Staff,
        ),
        (
            "follow-ups/close",
            vec![
                ("id", s("999999")),
                ("outcome", s("genuinely_fine")),
                ("customer_said", s("All good")),
                ("true_sentiment", s("positive")),
            ],
            Needs::Staff,
        ),
        (
            "follow-ups/assign",
            vec![("id", s("999999")), ("assignee_id", s("1"))],
            Needs::Staff,
        ),
        ("follow-ups/settings", vec![], Needs::Manager),
        (
            "follow-ups/settings/save",
            vec![
                ("lukewarm_days", s("2")),
                ("unhappy_days", s("1")),
                ("unreachable_after", s("3")),
                ("survey_days", s("14")),
                ("survey_after_resolve", s("on")),
            ],
            Needs::Manager,
        ),
        (
            "follow-ups/questions/save",
            vec![
                ("code", s("bland")),
                ("questions", s("What would you change?")),
            ],
            Needs::Manager,
        ),
        ("surveys/list", vec![], Needs::Staff),
        (
            "surveys/create",
            vec![
                ("customer", s(customer_id)),
                ("score_type", s("csat")),
                ("incident", s("")),
            ],
            Needs::Staff,
        ),
        (
            "surveys/open",
            vec![("token", s("no-such-token"))],
            Needs::Anyone,
        ),
        (
            "stories/list",
            ["q", "kind", "tag", "associate", "customer", "week", "sort"]
                .into_iter()
                .map(|k| (k, s("")))
                .chain([("page", s("1"))])
                .collect(),
            Needs::Staff,
        ),
        ("stories/people", vec![], Needs::Staff),
        (
            "loyalty/profile",
            vec![("customer_id", s(customer_id))],
            Needs::Staff,
        ),
        ("stories/form", vec![], Needs::Staff),
        (
            "stories/create",
            vec![
                ("title", s("Matrix story")),
                ("kind", s("went_beyond")),
                ("situation", s("A")),
                ("action_taken", s("B")),
                ("result", s("C")),
            ],
            Needs::Staff,
        ),
        ("stories/update", vec![("id", s("999999"))], Needs::Staff),
        (
            "stories/draft",
            vec![("body", s(r#"{"title":"Half a thought"}"#))],
            Needs::Staff,
        ),
        ("stories/draft/discard", vec![], Needs::Staff),
        ("stories/get", vec![("id", s("999999"))], Needs::Staff),
        (
            "stories/kudos",
            vec![("id", s("999999")), ("give", s("true"))],
            Needs::Staff,
        ),
        (
            "stories/comment",
            vec![("id", s("999999")), ("body", s("Nice"))],
            Needs::Staff,
        ),
        (
            "stories/spotlight",
            vec![("id", s("999999")), ("on", s("true"))],
            Needs::Manager,
        ),
        ("stories/mine", vec![], Needs::Staff),
        ("stories/cadence", vec![], Needs::Manager),
        ("imports/get", vec![("id", s("999999"))], Needs::Manager),
        (
            "reports/weekly",
            vec![("week", s("2026-W47"))],
            Needs::Staff,
        ),
        ("reports/scopes", vec![], Needs::Staff),
        ("reports/access", vec![], Needs::Admin),
        (
            "loyalty/recovery-return",
            vec![("period", s("12m")), ("page", s("1"))],
            Needs::Staff,
        ),
        ("imports/recent", vec![], Needs::Manager),
        ("imports/start", vec![("id", s("999999"))], Needs::Manager),
        ("stories/spotlights", vec![], Needs::Staff),
        ("portal/stories", vec![], Needs::Customer),
        ("org/settings", vec![], Needs::Admin),
        ("org/time-zone", vec![("time_zone", s("UTC"))], Needs::Admin),
        (
            "org/teams/create",
            vec![("name", s("Matrix team"))],
            Needs::Admin,
        ),
        (
            "org/teams/assign",
            vec![("staff_id", s("999999")), ("team", s(""))],
            Needs::Admin,
        ),
        (
            "incidents/categories/save",
            vec![
                ("id", s("")),
                ("name", s("Matrix category")),
                ("default_severity", s("minor")),
                ("active", s("1")),
            ],
            Needs::Manager,
        ),
    ]
}

fn allowed(needs: Needs, caller: Caller) -> bool {
    match needs {
        Needs::Anyone => true,
        Needs::Staff => matches!(caller, Caller::Associate | Caller::Manager | Caller::Admin),
        Needs::Manager => matches!(caller, Caller::Manager | Caller::Admin),
        Needs::Admin => caller == Caller::Admin,
        Needs::Customer => caller == Caller::Customer,
    }
}

#[tokio::test]
async fn every_server_function_checks_the_callers_role() {
    let app = spawn_app().await;
    let (customer_browser, customer_id) = app.customer_browser().await;
    let callers: Vec<(Caller, Client)> = vec![
        (Caller::Anonymous, browser()),
        (Caller::Customer, customer_browser),
        (Caller::Associate, app.staff_browser("associate").await),
        (Caller::Manager, app.staff_browser("manager").await),
        (Caller::Admin, app.staff_browser("admin").await),
    ];
    let id = customer_id.to_string();
    for (endpoint, args, needs) in server_functions(&id) {
        for (caller, client) in &callers {
            let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let status = app.call(client, endpoint, &form).await.status().as_u16();
            if allowed(needs, *caller) {
                assert!(
                    status != 401 && status != 403,
                    "{caller:?} should reach {endpoint}, got {status}"
                );
            } else if *caller == Caller::Anonymous {
                assert_eq!(status, 401, "anonymous caller of {endpoint}");
            } else {
                assert_eq!(status, 403, "{caller:?} calling {endpoint}");
            }
        }
    }
    let denied = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'")
        .await;
    assert!(denied >= 20, "every 403 is audited, found {denied}");
}

#[tokio::test]
async fn a_customer_never_reads_another_customers_record() {
    let app = spawn_app().await;
    let (me, my_id) = app.customer_browser().await;
    let (other_id, _) = app.portal_customer("Someone Else").await;
    assert_eq!(
        app.call(&me, "customers/get", &[("id", &other_id.to_string())])
            .await
            .status(),
        403
    );
    let summary: serde_json::Value = app
        .call(&me, "portal/summary", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(summary["name"], "Portal Person");
    assert_ne!(my_id, other_id);
}

#[tokio::test]
async fn staff_pages_send_anonymous_visitors_to_the_staff_sign_in() {
    let app = spawn_app().await;
    for path in [
        "/dashboard",
        "/incidents",
        "/follow-ups",
        "/follow-ups/settings",
        "/stories/cadence",
        "/customers/import",
        "/reports/weekly",
        "/feedback",
        "/feedback/surveys",
        "/stories",
        "/customers",
        "/admin/users",
    ] {
        let res = browser().get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 303, "{path}");
        assert_eq!(location(&res), format!("/login?next={path}"));
    }
}

#[tokio::test]
async fn staff_pages_send_customers_to_the_staff_sign_in() {
    let app = spawn_app().await;
    let (customer, _) = app.customer_browser().await;
    let res = customer.get(app.url("/customers")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert!(location(&res).starts_with("/login"));
}

#[tokio::test]
async fn the_portal_sends_visitors_and_staff_to_the_portal_sign_in() {
    let app = spawn_app().await;
    let res = browser().get(app.url("/portal")).send().await.unwrap();
    assert_eq!(location(&res), "/portal/login");
    let staff = app.staff_browser("manager").await;
    assert_eq!(
        location(&staff.get(app.url("/portal")).send().await.unwrap()),
        "/portal/login"
    );
}

#[tokio::test]
async fn admin_pages_refuse_associates_and_managers_with_403() {
    let app = spawn_app().await;
    for role in ["associate", "manager"] {
        let client = app.staff_browser(role).await;
        let res = client.get(app.url("/admin/tokens")).send().await.unwrap();
        assert_eq!(res.status(), 403, "{role}");
    }
    let admin = app.staff_browser("admin").await;
    assert_eq!(
        admin
            .get(app.url("/admin/tokens"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn the_start_page_sends_each_visitor_where_they_belong() {
    let app = spawn_app().await;
    assert_eq!(
        location(&browser().get(app.url("/")).send().await.unwrap()),
        "/login"
    );
    let staff = app.staff_browser("associate").await;
    assert_eq!(
        location(&staff.get(app.url("/")).send().await.unwrap()),
        "/dashboard"
    );
    let (customer, _) = app.customer_browser().await;
    assert_eq!(
        location(&customer.get(app.url("/")).send().await.unwrap()),
        "/portal"
    );
}
