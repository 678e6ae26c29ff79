//! CSV imports from the UI: the check before anything is stored, the all-or-nothing import in
//! the background, the error report, and who may import.
use crate::helpers::*;
use reqwest::header::CONTENT_TYPE;
use reqwest::Client;
use serde_json::Value;

const BOUNDARY: &str = "----extramile-test-boundary-7MA4YWxk";

/// Posts the page's upload form as a browser would (multipart, no JavaScript needed).
async fn upload(app: &TestApp, client: &Client, kind: &str, bytes: &[u8]) -> reqwest::Response {
    upload_as(app, client, kind, &format!("{kind}.csv"), bytes).await
}

async fn upload_as(
    app: &TestApp,
    client: &Client,
    kind: &str,
    file_name: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    client
        .post(app.url("/customers/import"))
        .header(
            CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Uploads a file and returns the import's id from the redirect to its page.
pub(crate) async fn checked(
    app: &TestApp,
    client: &Client,
    kind: &str,
    bytes: &[u8],
) -> (String, Value) {
    let res = upload(app, client, kind, bytes).await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    let id = to
        .strip_prefix("/customers/import/")
        .unwrap_or_else(|| panic!("unexpected redirect {to}"))
        .to_string();
    let view = load(app, client, &id).await;
    (id, view)
}

async fn load(app: &TestApp, client: &Client, id: &str) -> Value {
    let res = app.call(client, "imports/get", &[("id", id)]).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// Confirms the import and follows it until it ends; returns the final view and whether it
/// was seen running.
async fn import(app: &TestApp, client: &Client, id: &str) -> (Value, bool) {
    let res = app.call(client, "imports/start", &[("id", id)]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let mut seen_running = false;
    for _ in 0..1200 {
        let view = load(app, client, id).await;
        if view["status"] != "Running" {
            return (view, seen_running);
        }
        seen_running = true;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the import did not finish in two minutes");
}

async fn with_customers(app: &TestApp, manager: &Client, refs: &[&str]) {
    let mut file = String::from("external_ref,name,email\n");
    for r in refs {
        file.push_str(&format!("{r},Customer {r},{r}@example.com\n"));
    }
    let (id, view) = checked(app, manager, "customers", file.as_bytes()).await;
    assert_eq!(view["status"], "Ready", "{view}");
    let (done, _) = import(app, manager, &id).await;
    assert_eq!(done["status"], "Done", "{done}");
}

#[tokio::test]
async fn a_checked_orders_file_is_imported_whole_and_only_when_confirmed() {
    let app = spawn_app().await;
    let manager = app.staff_browser("manager").await;
    with_customers(&app, &manager, &["c-1001", "c-1002"]).await;
    let file = "External ID,Customer,Amount,Currency,Placed at\r\n\
                o-1,c-1001,42.50,USD,2026-10-02T15:30:00Z\r\n\
                o-2,c-1002@example.com,\"1000.00\",USD,2026-10-03\r\n";
    let (id, view) = checked(&app, &manager, "orders", file.as_bytes()).await;
    assert_eq!(view["status"], "Ready", "{view}");
    assert_eq!(view["rows"], 2);
    assert_eq!(view["preview"][1][1], "c-1002@example.com");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders").await,
        0,
        "nothing is stored before the import is confirmed"
    );

    let (done, _) = import(&app, &manager, &id).await;
    assert_eq!(done["status"], "Done");
    assert_eq!(done["summary"], "2 orders stored, 0 already there.");
    assert_eq!(
        app.count("SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM orders")
            .await,
        104_250
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM customers WHERE external_ref = 'c-1002' AND loyalty_at IS NOT NULL")
            .await,
        1,
        "the customer's score was refreshed with the import"
    );
    let again = app.call(&manager, "imports/start", &[("id", &id)]).await;
    assert_eq!(again.status(), 409, "an import runs once");

    let (id, _) = checked(&app, &manager, "orders", file.as_bytes()).await;
    let (done, _) = import(&app, &manager, &id).await;
    assert_eq!(done["summary"], "0 orders stored, 2 already there.");
    assert_eq!(app.count("SELECT COUNT(*) FROM orders").await, 2);
}

#[tokio::test]
async fn malformed_files_are_refused_whole_with_a_clear_message() {
    let app = spawn_app().await;
    let manager = app.staff_browser("manager").await;
    with_customers(&app, &manager, &["c-1"]).await;
    let huge = format!(
        "external_id,customer,amount,currency,placed_at\no-1,c-1,1.00,USD,2026-10-02\no-2,{},1.00,USD,2026-10-02\n",
        "x".repeat(5000)
    );
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "orders",
            b"external_ref,name\nc-1,Dana\n".to_vec(),
            "does not know: 'external_ref'",
        ),
        (
            "orders",
            b"external_id,customer,amount\no-1,c-1,1.00\n".to_vec(),
            "lacks the columns currency, placed_at",
        ),
        (
            "customers",
            b"external_ref,name\nc-9,Jos\xE9\n".to_vec(),
            "Line 2 is not UTF-8",
        ),
        (
            "orders",
            b"external_id,customer,amount,currency,placed_at\no-1,\"c-1,1.00,USD,2026-10-02\no-2,c-1,1.00,USD,2026-10-02\n".to_vec(),
            "Line 2 opens a quote that is never closed",
        ),
        ("orders", huge.into_bytes(), "Line 3 is 5"),
        ("customers", b"".to_vec(), "The file is empty"),
    ];
    for (kind, bytes, expected) in cases {
        let (id, view) = checked(&app, &manager, kind, &bytes).await;
        assert_eq!(view["status"], "Refused", "{expected}: {view}");
        let message = view["message"].as_str().unwrap_or_default();
        assert!(message.contains(expected), "{expected}: {message}");
        let res = app.call(&manager, "imports/start", &[("id", &id)]).await;
        assert_eq!(res.status(), 409);
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM orders").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM customers WHERE external_ref = 'c-9'")
            .await,
        0
    );
    // What a browser sends when no file was chosen.
    let missing = upload_as(&app, &manager, "orders", "", b"").await;
    assert_eq!(location(&missing), "/customers/import?problem=no-file");
}

#[tokio::test]
async fn every_bad_line_is_named_and_reported_as_csv() {
    let app = spawn_app().await;
    let manager = app.staff_browser("manager").await;
    with_customers(&app, &manager, &["c-1"]).await;
    let file = "external_id,customer,amount,currency,placed_at\n\
                o-1,c-1,12.00,USD,2026-10-02\n\
                o-2,c-1,twelve,USD,2026-10-02\n\
                o-3,nobody,1.00,USD,2026-10-02\n\
                o-4,c-1,1.00,USD\n\
                o-1,c-1,12.00,USD,2026-10-02\n\
                o-6,c-1,1.00,USD,next tuesday\n";
    let (id, view) = checked(&app, &manager, "orders", file.as_bytes()).await;
    assert_eq!(view["status"], "Refused");
    let lines: Vec<(i64, String)> = view["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_i64().unwrap(),
                e["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            (3, "amount".into()),
            (5, "line".into()),
            (6, "external_id".into()),
            (7, "placed_at".into()),
        ],
        "{view}"
    );
    assert_eq!(view["error_count"], 4);

    // Unknown customers are found once the file's own checks pass.
    let file = "external_id,customer,amount,currency,placed_at\n\
                o-1,c-1,12.00,USD,2026-10-02\n\
                o-3,nobody,1.00,USD,2026-10-02\n";
    let (id2, view) = checked(&app, &manager, "orders", file.as_bytes()).await;
    assert_eq!(view["status"], "Refused");
    assert_eq!(view["errors"][0]["line"], 3);
    assert_eq!(view["errors"][0]["field"], "customer");

    let report = app
        .get(&manager, &format!("/customers/import/{id}/errors.csv"))
        .await;
    assert_eq!(report.status(), 200);
    assert!(report.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = report.text().await.unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0], "line,column,problem");
    assert_eq!(rows.len(), 5, "{text}");
    assert!(rows[1].starts_with("3,amount,"), "{text}");
    assert!(rows[3].contains("'o-1' is also on line 2"), "{text}");
    let report2 = app
        .page_text(&manager, &format!("/customers/import/{id2}/errors.csv"))
        .await;
    assert!(report2.contains("3,customer,no customer has"), "{report2}");
    assert_eq!(app.count("SELECT COUNT(*) FROM orders").await, 0);
}

#[tokio::test]
async fn a_problem_met_while_importing_leaves_nothing_behind() {
    let app = spawn_app().await;
    let manager = app.staff_browser("manager").await;
    let file = "external_ref,name,email,referred_by_code\n\
                n-1,Ann One,ann@example.com,\n\
                n-2,Bo Two,bo@example.com,\n\
                n-3,Cy Three,,NOSUCHCODE\n";
    let (id, view) = checked(&app, &manager, "customers", file.as_bytes()).await;
    assert_eq!(view["status"], "Ready", "{view}");
    let (done, _) = import(&app, &manager, &id).await;
    assert_eq!(done["status"], "Failed", "{done}");
    assert_eq!(
        done["message"],
        "1 problem found while importing; nothing was imported."
    );
    assert_eq!(done["errors"][0]["line"], 4);
    assert_eq!(done["errors"][0]["field"], "referred_by_code");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM customers WHERE external_ref LIKE 'n-%'")
            .await,
        0,
        "the first two customers were rolled back with the third"
    );
}

#[tokio::test]
async fn a_hundred_thousand_orders_import_in_the_background_with_progress() {
    let app = spawn_app().await;
    let manager = app.staff_browser("manager").await;
    let refs: Vec<String> = (0..50).map(|n| format!("big-{n}")).collect();
    let refs: Vec<&str> = refs.iter().map(String::as_str).collect();
    with_customers(&app, &manager, &refs).await;
    let mut file = String::from("external_id,customer,amount,currency,placed_at\n");
    for n in 0..100_000 {
        file.push_str(&format!(
            "o-{n},big-{},{}.{:02},USD,2026-{:02}-{:02}T12:00:00Z\n",
            n % 50,
            n % 200,
            n % 100,
            1 + n % 9,
            1 + n % 28
        ));
    }
    let (id, view) = checked(&app, &manager, "orders", file.as_bytes()).await;
    assert_eq!(view["status"], "Ready", "{}", view["errors"]);
    assert_eq!(view["rows"], 100_000);
    let (done, seen_running) = import(&app, &manager, &id).await;
    assert!(
        seen_running,
        "the page could follow the import while it ran"
    );
    assert_eq!(done["status"], "Done", "{done}");
    assert_eq!(done["summary"], "100000 orders stored, 0 already there.");
    assert_eq!(app.count("SELECT COUNT(*) FROM orders").await, 100_000);
}

#[tokio::test]
async fn only_managers_and_admins_import() {
    let app = spawn_app().await;
    let file = b"external_ref,name\nz-1,Zed\n";
    let associate = app.staff_browser("associate").await;
    assert_eq!(
        upload(&app, &associate, "customers", file).await.status(),
        403
    );
    let (customer, _) = app.customer_browser().await;
    assert_eq!(
        upload(&app, &customer, "customers", file).await.status(),
        403
    );
    let anonymous = upload(&app, &browser(), "customers", file).await;
    assert_eq!(anonymous.status(), 303);
    assert!(location(&anonymous).starts_with("/login"));
    let admin = app.staff_browser("admin").await;
    let (id, _) = checked(&app, &admin, "customers", file).await;
    for client in [&associate, &customer] {
        let report = app
            .get(client, &format!("/customers/import/{id}/errors.csv"))
            .await;
        assert_ne!(report.status(), 200);
        assert_eq!(
            app.call(client, "imports/start", &[("id", &id)])
                .await
                .status(),
            403
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM imports").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM customers WHERE external_ref = 'z-1'")
            .await,
        0
    );
}
