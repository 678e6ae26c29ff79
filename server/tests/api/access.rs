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

/// A server function's endpoint and valid arguments for it.
type Endpoint = (&'static str, Vec<(&'static str, String)>);

/// Every server function with valid arguments; who may call each is the policy table's to say.
/// `other_customer` has no portal login: renaming the caller's own record would end their session.
fn server_functions(customer_id: &str, other_customer: &str) -> Vec<Endpoint> {
    let s = |v: &str| v.to_string();
    let blank = |filters: &[&'static str]| -> Vec<(&'static str, String)> {
        filter_form(filters, &[])
            .into_iter()
            .map(|(k, v)| (k, s(v)))
            .collect()
    };
    vec![
        ("viewer", vec![]),
        (
            "customers/list",
            vec![("q", s("")), ("sort", s("name")), ("page", s("1"))],
        ),
        ("customers/get", vec![("id", s(customer_id))]),
        (
            "customers/create",
            vec![
                ("name", s("Matrix Person")),
                ("email", s("")),
                ("phone", s("")),
                ("external_ref", s("")),
                ("segment", s("")),
            ],
        ),
        (
            "customers/update",
            vec![
                ("id", s(other_customer)),
                ("name", s("Renamed")),
                ("email", s("")),
                ("phone", s("")),
                ("external_ref", s("")),
                ("segment", s("")),
            ],
        ),
        ("admin/users/list", vec![]),
        (
            "admin/users/create",
            vec![
                ("email", s("new-colleague@example.com")),
                ("name", s("New Colleague")),
                ("role", s("associate")),
                ("password", s("violet harbor nineteen kites")),
            ],
        ),
        (
            "admin/users/update",
            vec![
                ("id", s("999999")),
                ("role", s("associate")),
                ("active", s("1")),
            ],
        ),
        ("admin/tokens/list", vec![]),
        ("admin/tokens/create", vec![("name", s("Survey tool"))]),
        ("admin/tokens/revoke", vec![("id", s("999999"))]),
        ("admin/invitations/list", vec![]),
        (
            "admin/invitations/create",
            vec![("customer", s("nobody-here"))],
        ),
        ("portal/summary", vec![]),
        (
            "portal/rate",
            vec![
                ("incident", s("999999")),
                ("score", s("5")),
                ("comment", s("")),
            ],
        ),
        ("referrals/open", vec![("code", s("NOSUCHCODE"))]),
        ("referrals/remembered", vec![]),
        (
            "surveys/answer",
            vec![
                ("token", s("no-such-token")),
                ("score", s("5")),
                ("comment", s("")),
            ],
        ),
        (
            "loyalty/referral",
            vec![
                ("customer_id", s(customer_id)),
                ("prospect_name", s("A Friend")),
            ],
        ),
        (
            "loyalty/post",
            vec![
                ("customer_id", s(customer_id)),
                ("kind", s("review")),
                ("platform", s("Trustpilot")),
            ],
        ),
        ("admin/users/send-reset", vec![("id", s("999999"))]),
        ("admin/users/reset-two-factor", vec![("id", s("999999"))]),
        ("admin/users/require-two-factor", vec![("required", s("0"))]),
        ("admin/users/two-factor-required", vec![]),
        ("account/two-factor", vec![]),
        ("account/two-factor/begin", vec![]),
        (
            "account/two-factor/confirm",
            vec![("code", s("000000")), ("password", s("not it"))],
        ),
        (
            "account/two-factor/disable",
            vec![("password", s("not it"))],
        ),
        (
            "customers/portal-login/disable",
            vec![("customer_id", s("999999"))],
        ),
        ("portal/incidents", vec![]),
        ("customers/search", vec![("q", s("da"))]),
        (
            "incidents/list",
            blank(&[
                "status", "category", "severity", "source", "assignee", "customer", "week",
                "overdue", "q", "sort",
            ]),
        ),
        ("incidents/get", vec![("id", s("999999"))]),
        ("incidents/categories", vec![]),
        ("incidents/filter-options", vec![]),
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
        ),
        ("incidents/start", vec![("id", s("999999"))]),
        (
            "incidents/resolve",
            vec![
                ("id", s("999999")),
                ("root_cause", s("x")),
                ("no_action_reason", s("y")),
            ],
        ),
        (
            "incidents/reopen",
            vec![("id", s("999999")), ("reason", s("x"))],
        ),
        (
            "incidents/assign",
            vec![("id", s("999999")), ("assignee_id", s("1"))],
        ),
        ("notifications/list", vec![("page", s("1"))]),
        ("notifications/unread", vec![]),
        ("notifications/open", vec![("id", s("999999"))]),
        ("notifications/read-all", vec![]),
        ("notifications/preferences", vec![]),
        (
            "notifications/preferences/save",
            vec![("incident_assigned", s("both"))],
        ),
        ("incidents/escalation/rules", vec![]),
        (
            "incidents/escalation/save",
            vec![("category_id", s("999999"))],
        ),
        ("org/weekly-email", vec![]),
        (
            "org/weekly-email/save",
            vec![("day", s("1")), ("hour", s("8"))],
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
        ),
        (
            "incidents/note",
            vec![("id", s("999999")), ("text", s("x"))],
        ),
        (
            "incidents/complaint",
            vec![("id", s("999999")), ("text", s(""))],
        ),
        (
            "incidents/notice",
            vec![("id", s("999999")), ("subject", s("x")), ("body", s("y"))],
        ),
        ("incidents/approvals", vec![]),
        (
            "incidents/decide",
            vec![
                ("action_id", s("999999")),
                ("decision", s("approve")),
                ("note", s("")),
            ],
        ),
        ("incidents/settings", vec![]),
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
        ),
        ("dashboard/attention", vec![]),
        ("rules/list", vec![]),
        ("rules/get", vec![("id", s("999999"))]),
        ("rules/save", vec![("id", s("")), ("form[name]", s(""))]),
        (
            "rules/enable",
            vec![("id", s("999999")), ("enabled", s("0"))],
        ),
        (
            "rules/try",
            vec![
                ("form[name]", s("")),
                ("sample_kind", s("")),
                ("sample_value", s("1")),
                ("sample_amount", s("")),
            ],
        ),
        ("admin/outbox", vec![]),
        ("admin/jobs", vec![]),
        ("admin/webhooks/list", vec![]),
        (
            "admin/webhooks/create",
            vec![
                ("url", s("https://example.com/hook")),
                ("events", s("incident.opened")),
            ],
        ),
        (
            "admin/webhooks/enable",
            vec![("id", s("999999")), ("enabled", s("true"))],
        ),
        ("admin/webhooks/delete", vec![("id", s("999999"))]),
        ("admin/webhooks/test", vec![("id", s("999999"))]),
        ("admin/webhooks/deliveries", vec![("id", s("999999"))]),
        (
            "admin/webhooks/redeliver",
            vec![("delivery_id", s("999999"))],
        ),
        ("admin/jobs/runs", vec![("name", s("import_sweep"))]),
        ("admin/jobs/run", vec![("name", s("import_sweep"))]),
        (
            "admin/audit",
            [
                "actor",
                "action",
                "entity",
                "entity_id",
                "from",
                "to",
                "cursor",
            ]
            .map(|k| (k, s("")))
            .to_vec(),
        ),
        (
            "feedback/list",
            blank(&[
                "assessment",
                "score_type",
                "channel",
                "customer",
                "week",
                "q",
            ]),
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
        ),
        ("feedback/customer", vec![("customer_id", s(customer_id))]),
        (
            "follow-ups/list",
            vec![("queue", s("team")), ("page", s("1"))],
        ),
        ("follow-ups/counts", vec![]),
        ("follow-ups/get", vec![("id", s("999999"))]),
        (
            "follow-ups/attempt",
            vec![
                ("id", s("999999")),
                ("channel", s("phone")),
                ("at", s("")),
                ("reached", s("no")),
                ("note", s("")),
            ],
        ),
        (
            "follow-ups/close",
            vec![
                ("id", s("999999")),
                ("outcome", s("genuinely_fine")),
                ("customer_said", s("All good")),
                ("true_sentiment", s("positive")),
            ],
        ),
        (
            "follow-ups/assign",
            vec![("id", s("999999")), ("assignee_id", s("1"))],
        ),
        ("follow-ups/settings", vec![]),
        (
            "follow-ups/settings/save",
            vec![
                ("lukewarm_days", s("2")),
                ("unhappy_days", s("1")),
                ("unreachable_after", s("3")),
                ("survey_days", s("14")),
                ("survey_after_resolve", s("on")),
            ],
        ),
        (
            "follow-ups/questions/save",
            vec![
                ("code", s("bland")),
                ("questions", s("What would you change?")),
            ],
        ),
        ("surveys/list", vec![]),
        (
            "surveys/create",
            vec![
                ("customer", s(customer_id)),
                ("score_type", s("csat")),
                ("incident", s("")),
            ],
        ),
        ("surveys/open", vec![("token", s("no-such-token"))]),
        (
            "stories/list",
            blank(&["q", "kind", "tag", "associate", "customer", "week", "sort"]),
        ),
        ("stories/people", vec![]),
        ("loyalty/profile", vec![("customer_id", s(customer_id))]),
        ("stories/form", vec![]),
        (
            "stories/create",
            vec![
                ("title", s("Matrix story")),
                ("kind", s("went_beyond")),
                ("situation", s("A")),
                ("action_taken", s("B")),
                ("result", s("C")),
            ],
        ),
        ("stories/update", vec![("id", s("999999"))]),
        (
            "stories/draft",
            vec![("body", s(r#"{"title":"Half a thought"}"#))],
        ),
        ("stories/draft/discard", vec![]),
        ("stories/get", vec![("id", s("999999"))]),
        (
            "stories/kudos",
            vec![("id", s("999999")), ("give", s("true"))],
        ),
        (
            "stories/comment",
            vec![("id", s("999999")), ("body", s("Nice"))],
        ),
        (
            "stories/spotlight",
            vec![("id", s("999999")), ("on", s("true"))],
        ),
        ("stories/mine", vec![]),
        ("stories/cadence", vec![]),
        ("imports/get", vec![("id", s("999999"))]),
        ("reports/weekly", vec![("week", s("2026-W47"))]),
        ("reports/scopes", vec![]),
        // Keeps the reports open to associates, so every call below is judged on role alone
        // (what the setting hides is tested in visibility.rs).
        ("reports/access", vec![("open", s("1"))]),
        (
            "loyalty/recovery-return",
            vec![("period", s("12m")), ("page", s("1"))],
        ),
        (
            "loyalty/referrals/list",
            vec![
                ("week", s("2026-W47")),
                ("converted", s("1")),
                ("assignee", s("")),
                ("team", s("")),
                ("page", s("1")),
            ],
        ),
        (
            "loyalty/referral-revenue/list",
            vec![
                ("week", s("2026-W47")),
                ("currency", s("EUR")),
                ("assignee", s("")),
                ("team", s("")),
                ("page", s("1")),
            ],
        ),
        (
            "themes/list",
            vec![
                ("from", s("2026-11-01")),
                ("to", s("2026-11-30")),
                ("team", s("")),
            ],
        ),
        (
            "themes/comments",
            vec![
                ("id", s("999999")),
                ("from", s("")),
                ("to", s("")),
                ("page", s("1")),
            ],
        ),
        (
            "themes/rename",
            vec![("id", s("999999")), ("name", s("Late parcels"))],
        ),
        (
            "themes/merge",
            vec![("id", s("999999")), ("into", s("999998"))],
        ),
        (
            "themes/split",
            vec![("id", s("999999")), ("phrase", s("word:late"))],
        ),
        (
            "themes/teach",
            vec![
                ("concept", s("late delivery")),
                ("phrase", s("parcel went walkabout")),
            ],
        ),
        ("themes/rising", vec![]),
        (
            "playbook/get",
            vec![("category", s("")), ("severity", s(""))],
        ),
        ("playbook/suggest", vec![("id", s("999999"))]),
        (
            "loyalty/posts/list",
            vec![
                ("week", s("2026-W47")),
                ("assignee", s("")),
                ("team", s("")),
                ("page", s("1")),
            ],
        ),
        ("imports/recent", vec![]),
        ("imports/start", vec![("id", s("999999"))]),
        ("stories/spotlights", vec![]),
        ("portal/stories", vec![]),
        ("org/settings", vec![]),
        ("org/time-zone", vec![("time_zone", s("UTC"))]),
        ("org/retention", vec![]),
        (
            "org/retention/save",
            vec![
                ("audit_days", s("730")),
                ("signals_days", s("730")),
                ("webhook_days", s("30")),
                ("email_days", s("365")),
            ],
        ),
        ("org/rates", vec![]),
        ("org/currency", vec![("currency", s("USD"))]),
        (
            "org/rates/save",
            vec![
                ("currency", s("EUR")),
                ("from", s("2026-11-02")),
                ("rate", s("1.08")),
            ],
        ),
        (
            "org/rates/import",
            vec![("csv", s("currency,from,rate\nGBP,2026-11-02,1.27"))],
        ),
        (
            "org/rates/delete",
            vec![("currency", s("CHF")), ("from", s("2026-11-02"))],
        ),
        ("org/teams/create", vec![("name", s("Matrix team"))]),
        (
            "org/teams/assign",
            vec![("staff_id", s("999999")), ("team", s(""))],
        ),
        (
            "incidents/categories/save",
            vec![
                ("id", s("")),
                ("name", s("Matrix category")),
                ("default_severity", s("minor")),
                ("active", s("1")),
            ],
        ),
    ]
}

/// Whether the policy table opens `endpoint` to `caller`.
fn allowed(endpoint: &str, caller: Caller) -> bool {
    use app::accounts::policy::{needs, Needs};
    use app::accounts::Role;
    let needs = needs(endpoint).unwrap_or_else(|| panic!("{endpoint} has no access policy"));
    match (needs, caller) {
        (Needs::Anyone, _) => true,
        (Needs::Customer, c) => c == Caller::Customer,
        (Needs::Staff(role), Caller::Associate) => role == Role::Associate,
        (Needs::Staff(role), Caller::Manager) => role <= Role::Manager,
        (Needs::Staff(_), Caller::Admin) => true,
        (Needs::Staff(_), _) => false,
    }
}

/// Every registered server function's endpoint (the path after `/fn/`), from the registry the
/// server routes by: nothing here is kept by hand.
fn registered() -> Vec<String> {
    let mut all: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/fn/").to_string())
        .collect();
    all.sort();
    all
}

async fn callers(app: &TestApp) -> (Vec<(Caller, Client)>, i64) {
    let (customer_browser, customer_id) = app.customer_browser().await;
    let callers = vec![
        (Caller::Anonymous, browser()),
        (Caller::Customer, customer_browser),
        (Caller::Associate, app.staff_browser("associate").await),
        (Caller::Manager, app.staff_browser("manager").await),
        (Caller::Admin, app.staff_browser("admin").await),
    ];
    (callers, customer_id)
}

fn check(endpoint: &str, caller: Caller, status: u16) {
    if allowed(endpoint, caller) {
        assert!(
            status != 401 && status != 403,
            "{caller:?} should reach {endpoint}, got {status}"
        );
    } else if caller == Caller::Anonymous {
        assert_eq!(status, 401, "anonymous caller of {endpoint}");
    } else {
        assert_eq!(status, 403, "{caller:?} calling {endpoint}");
    }
}

#[tokio::test]
async fn every_registered_server_function_has_a_policy_and_its_gate_holds_for_every_caller() {
    let app = spawn_app().await;
    let (callers, _) = callers(&app).await;
    // Reports open to associates: the gate is judged on role alone here.
    let admin = &callers.iter().find(|(c, _)| *c == Caller::Admin).unwrap().1;
    assert_eq!(
        app.call(admin, "reports/access", &[("open", "1")])
            .await
            .status(),
        200
    );
    let endpoints = registered();
    assert!(
        endpoints.len() >= 90,
        "the registry lists {}",
        endpoints.len()
    );
    let missing: Vec<&String> = endpoints
        .iter()
        .filter(|e| app::accounts::policy::needs(e).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "server functions without a policy entry: {missing:?}"
    );
    let stale: Vec<&str> = app::accounts::policy::POLICY
        .iter()
        .map(|(e, _)| *e)
        .filter(|e| !endpoints.iter().any(|r| r == e))
        .collect();
    assert!(
        stale.is_empty(),
        "policy entries for no server function: {stale:?}"
    );
    for endpoint in &endpoints {
        for (caller, client) in &callers {
            // No arguments at all: a refusal must come before the arguments are read.
            let status = app.call(client, endpoint, &[]).await.status().as_u16();
            check(endpoint, *caller, status);
        }
    }
}

#[tokio::test]
async fn every_server_function_checks_the_callers_role_with_valid_arguments() {
    let app = spawn_app().await;
    let (callers, customer_id) = callers(&app).await;
    let id = customer_id.to_string();
    let other: i64 = sqlx::query_scalar(
        "INSERT INTO customers (name, segment, referral_code, created_at, updated_at)
         VALUES ('No Login', 'retail', 'NOLOGIN1', 0, 0) RETURNING id",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let samples = server_functions(&id, &other.to_string());
    let admin = &callers.iter().find(|(c, _)| *c == Caller::Admin).unwrap().1;
    let opened = app.call(admin, "reports/access", &[("open", "1")]).await;
    assert_eq!(opened.status(), 200);
    let without: Vec<String> = registered()
        .into_iter()
        .filter(|e| !samples.iter().any(|(s, _)| s == e))
        .collect();
    assert!(
        without.is_empty(),
        "give these valid arguments here: {without:?}"
    );
    for (endpoint, args) in samples {
        for (caller, client) in &callers {
            let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let status = app.call(client, endpoint, &form).await.status().as_u16();
            check(endpoint, *caller, status);
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
    let summary = app.call_json(&me, "portal/summary", &[]).await;
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
        "/customers/referrals",
        "/customers/posts",
        "/customers/referral-revenue",
        "/reports/themes",
        "/reports/themes/1",
        "/reports/playbook",
        "/admin/users",
    ] {
        let res = app.get(&browser(), path).await;
        assert_eq!(res.status(), 303, "{path}");
        assert_eq!(location(&res), format!("/login?next={path}"));
    }
}

#[tokio::test]
async fn staff_pages_send_customers_to_the_staff_sign_in() {
    let app = spawn_app().await;
    let (customer, _) = app.customer_browser().await;
    let res = app.get(&customer, "/customers").await;
    assert_eq!(res.status(), 303);
    assert!(location(&res).starts_with("/login"));
}

#[tokio::test]
async fn the_portal_sends_visitors_and_staff_to_the_portal_sign_in() {
    let app = spawn_app().await;
    let res = app.get(&browser(), "/portal").await;
    assert_eq!(location(&res), "/portal/login");
    let staff = app.staff_browser("manager").await;
    assert_eq!(location(&app.get(&staff, "/portal").await), "/portal/login");
}

#[tokio::test]
async fn admin_pages_refuse_associates_and_managers_with_403() {
    let app = spawn_app().await;
    for role in ["associate", "manager"] {
        let client = app.staff_browser(role).await;
        let res = app.get(&client, "/admin/tokens").await;
        assert_eq!(res.status(), 403, "{role}");
    }
    let admin = app.staff_browser("admin").await;
    assert_eq!(app.get(&admin, "/admin/tokens").await.status(), 200);
}

#[tokio::test]
async fn the_start_page_sends_each_visitor_where_they_belong() {
    let app = spawn_app().await;
    assert_eq!(location(&app.get(&browser(), "/").await), "/login");
    let staff = app.staff_browser("associate").await;
    assert_eq!(location(&app.get(&staff, "/").await), "/dashboard");
    let (customer, _) = app.customer_browser().await;
    assert_eq!(location(&app.get(&customer, "/").await), "/portal");
}

/// Every token-protected API route, from the table the router is built from: nobody without a
/// valid token gets in (not visitors, customers or staff with their session cookies), a
/// read-only token only reads, a full token reaches every route, and each route is documented.
#[tokio::test]
async fn every_api_route_needs_a_token_and_a_read_only_token_only_reads() {
    use reqwest::Method;
    let app = spawn_app().await;
    let full = api_token(&app, "Full").await;
    let admin = app.staff_browser("admin").await;
    let reader = create_token(&app, &admin, &[("name", "Reader"), ("read_only", "1")]).await;
    let (customer, _) = app.customer_browser().await;
    let staff = app.staff_browser("manager").await;
    let document = app.api_document().await;
    let routes = server::http::api::route_table();
    assert!(routes.len() >= 10);
    for (path, method) in routes {
        let documented = &document["paths"][path.as_str()][method.as_str().to_lowercase()];
        assert!(
            documented.is_object(),
            "{method} {path} is missing from the API document"
        );
        let url = app.url(&path.replace("{id}", "1").replace("{external_ref}", "c-1"));
        let method = Method::from_bytes(method.as_str().as_bytes()).unwrap();
        let send = |client: &Client, token: Option<&str>| {
            let mut req = client
                .request(method.clone(), &url)
                .json(&serde_json::json!([]));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            req.send()
        };
        for (who, client) in [
            ("visitor", &browser()),
            ("customer", &customer),
            ("staff", &staff),
        ] {
            let status = send(client, None).await.unwrap().status().as_u16();
            assert_eq!(status, 401, "{who} without a token: {method} {path}");
        }
        let status = send(&browser(), Some("em_not-a-token"))
            .await
            .unwrap()
            .status()
            .as_u16();
        assert_eq!(status, 401, "a made-up token: {method} {path}");
        let status = send(&browser(), Some(&reader))
            .await
            .unwrap()
            .status()
            .as_u16();
        if method == Method::GET {
            assert!(
                status != 401 && status != 403,
                "reader on {method} {path}: {status}"
            );
        } else {
            assert_eq!(status, 403, "reader on {method} {path}");
        }
        let status = send(&browser(), Some(&full))
            .await
            .unwrap()
            .status()
            .as_u16();
        assert!(
            status != 401 && status != 403,
            "full token on {method} {path}: {status}"
        );
    }
}
