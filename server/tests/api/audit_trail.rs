//! The audit trail as people read it: the admin page, `GET /api/v1/audit` and the CSV export
//! narrow the log by each filter, walk it with a cursor that neither skips nor repeats an
//! entry, name customers by their reference, and are open to admins only; retention deletes
//! only what is past each setting, and changing the settings is itself audited.
use crate::helpers::*;
use serde_json::Value;

/// 2026-11-20 00:00 UTC: the day the test entries are written on.
const DAY: i64 = 1_795_132_800_000;
const HOUR: i64 = 3_600_000;

/// Writes an audit entry as the app would, at `at`; returns its id.
async fn entry(
    app: &TestApp,
    at: i64,
    actor: (&str, Option<i64>, &str),
    action: &str,
    record: (&str, Option<&str>),
) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO audit_log (at, actor_kind, actor_id, actor_label, action, entity, entity_id,
                                before_json, after_json, ip, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '203.0.113.9', 'feedfacecafebeef') RETURNING id",
    )
    .bind(at)
    .bind(actor.0)
    .bind(actor.1)
    .bind(actor.2)
    .bind(action)
    .bind(record.0)
    .bind(record.1)
    .bind(r#"{"status":"open"}"#)
    .bind(r#"{"status":"resolved"}"#)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

/// The ids of one page of `GET /api/v1/audit?{query}`, and its `next`.
async fn page(app: &TestApp, token: &str, query: &str) -> (Vec<i64>, Option<String>) {
    let body: Value = ok_json(app.api_get(token, &format!("/api/v1/audit?{query}")).await).await;
    let ids = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    (ids, body["next"].as_str().map(str::to_string))
}

/// The ids every page of `query` holds, in order, following `next` to the end.
async fn walk(app: &TestApp, token: &str, query: &str) -> Vec<i64> {
    let (mut all, mut next) = page(app, token, query).await;
    while let Some(cursor) = next {
        let (ids, after) = page(app, token, &format!("{query}&cursor={cursor}")).await;
        assert!(!ids.is_empty(), "a cursor was given for an empty page");
        all.extend(ids);
        next = after;
    }
    all
}

/// A fixed set of entries: two people, two actions, two record types, over three days.
struct Fixture {
    alice: i64,
    bob: i64,
    ids: Vec<(i64, &'static str)>,
}

/// At, who, action, record type, record id, and the name the test calls the entry by.
type FixtureRow = (
    i64,
    i64,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
);

async fn fixture(app: &TestApp) -> Fixture {
    let alice = app.staff_id(&app.staff("manager").await).await;
    let bob = app.staff_id(&app.staff("associate").await).await;
    let mut ids = Vec::new();
    let rows: [FixtureRow; 6] = [
        (
            DAY - 20 * HOUR,
            alice,
            "fx.incident.opened",
            "incident",
            Some("7"),
            "a",
        ),
        (
            DAY + HOUR,
            alice,
            "fx.incident.resolved",
            "incident",
            Some("7"),
            "b",
        ),
        (
            DAY + 2 * HOUR,
            bob,
            "fx.incident.opened",
            "incident",
            Some("8"),
            "c",
        ),
        (
            DAY + 3 * HOUR,
            bob,
            "fx.story.logged",
            "story",
            Some("3"),
            "d",
        ),
        (
            DAY + 26 * HOUR,
            alice,
            "fx.story.logged",
            "story",
            Some("4"),
            "e",
        ),
        (
            DAY + 50 * HOUR,
            bob,
            "fx.incident.opened",
            "incident",
            Some("7"),
            "f",
        ),
    ];
    for (at, who, action, entity, id, name) in rows {
        let label = format!("person-{who}@example.com");
        let at_id = entry(app, at, ("staff", Some(who), &label), action, (entity, id)).await;
        ids.push((at_id, name));
    }
    Fixture { alice, bob, ids }
}

impl Fixture {
    /// The ids of the named entries, newest first (the log's order).
    fn ids(&self, names: &str) -> Vec<i64> {
        let mut found: Vec<i64> = self
            .ids
            .iter()
            .filter(|(_, n)| names.contains(n))
            .map(|(id, _)| *id)
            .collect();
        found.reverse();
        found
    }
}

#[tokio::test]
async fn each_filter_narrows_the_log_to_the_entries_that_match_it() {
    let app = spawn_app().await;
    let token = api_token(&app, "Auditor").await;
    let fx = fixture(&app).await;
    let only = |q: &str| format!("entity=incident&{q}");
    // Every fixture entry, by the fixture's two record types.
    let incidents = walk(&app, &token, "entity=incident").await;
    assert_eq!(incidents, fx.ids("abcf"));
    let by_alice = walk(
        &app,
        &token,
        &format!("actor=staff:{}&action=fx.incident.opened", fx.alice),
    )
    .await;
    assert_eq!(by_alice, fx.ids("a"));
    let by_bob = walk(&app, &token, &only(&format!("actor={}", fx.bob))).await;
    assert_eq!(by_bob, fx.ids("cf"), "a bare number is a staff id");
    assert_eq!(
        walk(&app, &token, "action=fx.story.logged").await,
        fx.ids("de")
    );
    assert_eq!(walk(&app, &token, "entity=story").await, fx.ids("de"));
    assert_eq!(
        walk(&app, &token, "entity=incident&entity_id=7").await,
        fx.ids("abf")
    );
    assert_eq!(
        walk(&app, &token, &only("from=2026-11-20&to=2026-11-20")).await,
        fx.ids("bc")
    );
    assert_eq!(
        walk(&app, &token, &only("from=2026-11-21")).await,
        fx.ids("f")
    );
    assert_eq!(
        walk(&app, &token, &only("to=2026-11-19")).await,
        fx.ids("a")
    );
    assert_eq!(
        walk(
            &app,
            &token,
            &only("from=2026-11-20T01:00:00Z&to=2026-11-20T02:00:00Z")
        )
        .await,
        fx.ids("bc"),
        "a moment as the end takes in entries at that moment"
    );
    assert!(walk(&app, &token, "actor=system&entity=incident")
        .await
        .is_empty());
}

#[tokio::test]
async fn the_cursor_walks_every_entry_exactly_once_even_when_entries_share_a_moment() {
    let app = spawn_app().await;
    let token = api_token(&app, "Auditor").await;
    let mut written = Vec::new();
    // 23 entries on 4 moments: pages of 5 end in the middle of a moment more than once.
    for i in 0..23_i64 {
        let at = DAY + (i % 4) * 1000;
        written.push((
            at,
            entry(
                &app,
                at,
                ("system", None, "job"),
                "walk.step",
                ("job", None),
            )
            .await,
        ));
    }
    written.sort_by(|a, b| b.cmp(a));
    let expected: Vec<i64> = written.iter().map(|(_, id)| *id).collect();
    let walked = walk(&app, &token, "action=walk.step&limit=5").await;
    assert_eq!(walked, expected);
    let mut unique = walked.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 23, "no entry appears twice");
    let (first, next) = page(&app, &token, "action=walk.step&limit=23").await;
    assert_eq!(first.len(), 23);
    assert_eq!(next, None, "the last page has no next cursor");
}

#[tokio::test]
async fn customer_entries_name_the_customers_external_reference() {
    let app = spawn_app().await;
    let token = api_token(&app, "Auditor").await;
    let staff = app.staff_browser("manager").await;
    let id = customer(&app, &staff, "Ada Lovelace", "crm-1815").await;
    let body: Value = ok_json(
        app.api_get(
            &token,
            &format!("/api/v1/audit?entity=customer&entity_id={id}"),
        )
        .await,
    )
    .await;
    let items = body["items"].as_array().unwrap();
    assert!(!items.is_empty(), "creating a customer is audited");
    for item in items {
        assert_eq!(item["entity"], "customer");
        assert_eq!(item["entity_id"], id.to_string());
        assert_eq!(item["external_ref"], "crm-1815");
    }
    assert_eq!(items[0]["actor_kind"], "staff");
    assert!(items[0]["after"].is_object(), "{}", items[0]);
    assert!(items[0]["request_id"]
        .as_str()
        .is_some_and(|r| r.len() == 16));
    assert_eq!(
        items[0]["ip"], "127.0.0.1",
        "the client's address is recorded"
    );
}

#[tokio::test]
async fn bad_filters_cursors_and_limits_are_refused_with_422_in_the_one_error_shape() {
    let app = spawn_app().await;
    let token = api_token(&app, "Auditor").await;
    for (query, field) in [
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=MTIzNDU", "cursor"),
        ("from=yesterday", "from"),
        ("to=2026-13-40", "to"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=many", "limit"),
        ("actor=robot", "actor"),
        ("entity_id=4", "entity"),
        ("from=2026-11-21&to=2026-11-20", "to"),
    ] {
        let res = app.api_get(&token, &format!("/api/v1/audit?{query}")).await;
        assert_eq!(res.status(), 422, "{query}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "invalid", "{query}: {body}");
        assert!(
            body["fields"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["field"] == field),
            "{query}: {body}"
        );
    }
}

#[tokio::test]
async fn only_admins_read_the_log_on_the_page_in_the_export_and_over_the_api() {
    let app = spawn_app().await;
    let admin_email = app.staff("admin").await;
    let admin = app.signed_in_as(&admin_email).await;
    let token = create_token(&app, &admin, &[("name", "Auditor")]).await;
    assert_eq!(app.api_get(&token, "/api/v1/audit").await.status(), 200);
    for role in ["associate", "manager"] {
        let client = app.staff_browser(role).await;
        assert_eq!(
            app.get(&client, "/admin/audit").await.status(),
            403,
            "{role}"
        );
        assert_eq!(
            app.get(&client, "/admin/audit.csv").await.status(),
            403,
            "{role}"
        );
        let res = app.call(&client, "admin/audit", &[]).await;
        assert_eq!(res.status(), 403, "{role}");
    }
    assert_eq!(
        location(&app.get(&browser(), "/admin/audit.csv").await),
        "/login?next=/admin/audit.csv"
    );
    // A token acts for its maker: once they are no longer an admin, it no longer reads the log.
    sqlx::query("UPDATE staff_users SET role = 'manager' WHERE email = $1")
        .bind(&admin_email)
        .execute(&app.db)
        .await
        .unwrap();
    let res = app.api_get(&token, "/api/v1/audit").await;
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "forbidden");
}

#[tokio::test]
async fn the_audit_page_lists_entries_and_filters_them_from_the_query_string() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let fx = fixture(&app).await;
    let page = app.page_text(&admin, "/admin/audit").await;
    assert!(page.contains("Audit log"), "{page}");
    for text in [
        "fx.story.logged",
        "fx.incident.resolved",
        "203.0.113.9",
        "feedfacecafebeef",
    ] {
        assert!(page.contains(text), "{text} is missing from the page");
    }
    assert!(
        page.contains("href=\"/incidents/7\""),
        "records link to their pages"
    );
    assert!(page.contains(&format!("person-{}@example.com", fx.bob)));
    let narrowed = app
        .page_text(&admin, "/admin/audit?action=fx.story.logged&entity=story")
        .await;
    assert!(narrowed.contains("fx.story.logged"));
    assert!(
        !narrowed.contains("fx.incident.resolved"),
        "the filter narrows the page"
    );
    assert!(narrowed.contains("href=\"/stories/4\""));
    // 55 entries: a page of 50, then the other 5 through the "Older entries" link.
    for i in 0..55 {
        entry(
            &app,
            DAY + i,
            ("system", None, "job"),
            "fx.bulk",
            ("job", None),
        )
        .await;
    }
    let rows = |html: &str| html.matches("<td data-label=\"What\">").count();
    let first = app.page_text(&admin, "/admin/audit?action=fx.bulk").await;
    assert_eq!(rows(&first), 50);
    let marker = "rel=\"next\" href=\"";
    let at = first.find(marker).expect("an Older entries link") + marker.len();
    let next = first[at..].split('"').next().unwrap().replace("&amp;", "&");
    assert!(
        next.starts_with("/admin/audit?action=fx.bulk&cursor="),
        "{next}"
    );
    let second = app.page_text(&admin, &next).await;
    assert_eq!(rows(&second), 5);
    assert!(!second.contains(marker), "the last page links no further");
    let bad = app.page_text(&admin, "/admin/audit?from=yesterday").await;
    assert!(
        bad.contains("Please correct"),
        "a bad date is explained on the page"
    );
}

#[tokio::test]
async fn the_csv_export_holds_the_entries_the_filters_select() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    fixture(&app).await;
    entry(
        &app,
        DAY,
        ("anonymous", None, "=HYPERLINK(\"x\")"),
        "fx.csv",
        ("path", Some("/x")),
    )
    .await;
    let res = app
        .get(&admin, "/admin/audit.csv?action=fx.story.logged")
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let body = res.text().await.unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert!(lines[0].starts_with("at,actor_kind,actor_id,actor,action,record_type,record_id"));
    assert_eq!(lines.len(), 3, "{body}");
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.contains(",fx.story.logged,story,")),
        "{body}"
    );
    assert!(
        lines[1].starts_with("2026-11-21T02:00:00.000Z"),
        "newest first: {body}"
    );
    // Formulas are made inert and quoted JSON survives.
    let body = app
        .get(&admin, "/admin/audit.csv?action=fx.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{body}");
    assert!(body.contains("\"{\"\"status\"\":\"\"open\"\"}\""), "{body}");
    let refused = app.get(&admin, "/admin/audit.csv?cursor=nope").await;
    assert_eq!(refused.status(), 422);
}

/// Inserts what retention looks after, one of each at `at`; returns nothing, the test counts.
async fn aged_records(app: &TestApp, customer: i64, at: i64, tag: &str) {
    entry(
        app,
        at,
        ("system", None, "job"),
        "aged.entry",
        ("job", Some(tag)),
    )
    .await;
    sqlx::query(
        "INSERT INTO signals (idempotency_key, kind, customer_id, value, observed_at, received_at)
         VALUES ($1, 'late_days', $2, 3, $3, $3)",
    )
    .bind(format!("aged-{tag}"))
    .bind(customer)
    .bind(at)
    .execute(&app.db)
    .await
    .unwrap();
    for status in ["sent", "queued"] {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO email_outbox (to_address, subject, body, status, attempts, next_attempt_at,
                                       created_at, sent_at)
             VALUES ('a@example.com', $1, 'b', $2, 1, $3, $3, $4) RETURNING id",
        )
        .bind(format!("aged {tag}"))
        .bind(status)
        .bind(at)
        .bind((status == "sent").then_some(at))
        .fetch_one(&app.db)
        .await
        .unwrap();
        sqlx::query("INSERT INTO email_attempts (outbox_id, at, outcome) VALUES ($1, $2, 'ok')")
            .bind(id)
            .bind(at)
            .execute(&app.db)
            .await
            .unwrap();
    }
    let endpoint: i64 = sqlx::query_scalar(
        "INSERT INTO webhook_endpoints (url, secret, created_at, updated_at)
         VALUES ('https://example.com/hook', 'whsec_AAAA', $1, $1) RETURNING id",
    )
    .bind(at)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let event: i64 = sqlx::query_scalar(
        "INSERT INTO webhook_events (message_id, event_type, body, created_at)
         VALUES ($1, 'incident.opened', '{}', $2) RETURNING id",
    )
    .bind(format!("msg_{tag}_{}", unique()))
    .bind(at)
    .fetch_one(&app.db)
    .await
    .unwrap();
    for status in ["delivered", "pending"] {
        let delivery: i64 = sqlx::query_scalar(
            "INSERT INTO webhook_deliveries (event_id, endpoint_id, status, attempts, next_attempt_at,
                                             created_at, finished_at)
             VALUES ($1, $2, $3, 1, $4, $4, $5) RETURNING id",
        )
        .bind(event)
        .bind(endpoint)
        .bind(status)
        .bind(at)
        .bind((status == "delivered").then_some(at))
        .fetch_one(&app.db)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, response_ms)
             VALUES ($1, 1, $2, 200, 12)",
        )
        .bind(delivery)
        .bind(at)
        .execute(&app.db)
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn retention_deletes_only_what_is_past_each_setting() {
    let app = spawn_app().await;
    let (customer_id, _) = app.portal_customer("Kept Long").await;
    let now = app.clock.now_ms();
    let days = |d: i64| now - d * 86_400_000;
    // Defaults: audit and signals two years, delivered webhooks 30 days, sent emails a year.
    aged_records(&app, customer_id, days(800), "800").await;
    aged_records(&app, customer_id, days(400), "400").await;
    aged_records(&app, customer_id, days(40), "40").await;
    aged_records(&app, customer_id, days(1), "1").await;
    let count = |sql: &'static str| app.count(sql);
    assert_eq!(
        count("SELECT COUNT(*) FROM audit_log WHERE action = 'aged.entry'").await,
        4
    );

    let deleted = app::retention::apply(&app.db, now).await.unwrap();
    let entries = "SELECT entity_id FROM audit_log WHERE action = 'aged.entry' ORDER BY at";
    let kept: Vec<String> = sqlx::query_scalar(entries)
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(kept, ["400", "40", "1"], "the audit log keeps two years");
    let signals: Vec<String> =
        sqlx::query_scalar("SELECT idempotency_key FROM signals ORDER BY received_at")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(signals, ["aged-400", "aged-40", "aged-1"]);
    let sent: Vec<String> = sqlx::query_scalar(
        "SELECT subject FROM email_outbox WHERE status = 'sent' ORDER BY created_at",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(sent, ["aged 40", "aged 1"], "sent emails are kept a year");
    assert_eq!(
        count("SELECT COUNT(*) FROM email_outbox WHERE status = 'queued'").await,
        4,
        "queued emails stay"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM email_attempts").await,
        6,
        "the attempts of deleted emails go with them"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'").await,
        1,
        "delivered webhooks are kept 30 days"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'").await,
        4
    );
    assert_eq!(count("SELECT COUNT(*) FROM webhook_attempts").await, 5);
    assert_eq!(
        count("SELECT COUNT(*) FROM webhook_events").await,
        4,
        "events with a pending delivery stay"
    );
    assert_eq!(
        deleted,
        1 + 1 + 2 + 3,
        "entries, signals, emails and deliveries"
    );
    let record: String =
        sqlx::query_scalar("SELECT after_json FROM audit_log WHERE action = 'retention.applied'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(record.contains("\"audit_entries\":1"), "{record}");

    // A second pass finds nothing more; a shorter setting takes effect at the next pass.
    assert_eq!(app::retention::apply(&app.db, now).await.unwrap(), 0);
    let admin = app.staff_browser("admin").await;
    let form = [
        ("audit_days", "30"),
        ("signals_days", "30"),
        ("webhook_days", "30"),
        ("email_days", "365"),
    ];
    assert_eq!(
        app.call(&admin, "org/retention/save", &form).await.status(),
        200
    );
    app::retention::apply(&app.db, now).await.unwrap();
    let kept: Vec<String> = sqlx::query_scalar(entries)
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(kept, ["1"]);
    assert_eq!(count("SELECT COUNT(*) FROM signals").await, 1);
}

#[tokio::test]
async fn changing_retention_is_audited_and_a_bad_number_of_days_is_refused() {
    let app = spawn_app().await;
    let admin = app.staff_browser("admin").await;
    let before: Value = app.call_json(&admin, "org/retention", &[]).await;
    assert_eq!(before["audit_days"], 730);
    let form = [
        ("audit_days", "1095"),
        ("signals_days", "365"),
        ("webhook_days", "14"),
        ("email_days", "180"),
    ];
    assert_eq!(
        app.call(&admin, "org/retention/save", &form).await.status(),
        200
    );
    let after: Value = app.call_json(&admin, "org/retention", &[]).await;
    assert_eq!(after["audit_days"], 1095);
    assert_eq!(after["webhook_days"], 14);
    let (old, new): (String, String) = app
        .row("SELECT before_json, after_json FROM audit_log WHERE action = 'org.retention'")
        .await;
    let old: Value = serde_json::from_str(&old).unwrap();
    let new: Value = serde_json::from_str(&new).unwrap();
    assert_eq!(old["audit_days"], 730);
    assert_eq!(new["audit_days"], 1095);
    assert_eq!(new["email_days"], 180);

    let bad = [
        ("audit_days", "0"),
        ("signals_days", "365"),
        ("webhook_days", "14"),
        ("email_days", "forever"),
    ];
    let res = app.call(&admin, "org/retention/save", &bad).await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(field_errors(&body), ["audit_days", "email_days"]);
    let manager = app.staff_browser("manager").await;
    assert_eq!(
        app.call(&manager, "org/retention/save", &form)
            .await
            .status(),
        403
    );
    let page = app.page_text(&admin, "/admin/organisation").await;
    assert!(
        page.contains("Retention") && page.contains("1095"),
        "the setting shows on the page"
    );
}
