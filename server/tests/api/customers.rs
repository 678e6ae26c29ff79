use crate::helpers::*;

const EMPTY: [(&str, &str); 4] = [
    ("email", ""),
    ("phone", ""),
    ("external_ref", ""),
    ("segment", ""),
];

#[tokio::test]
async fn an_associate_adds_a_customer_and_the_change_is_audited() {
    let app = spawn_app().await;
    let client = app.staff_browser("associate").await;
    let res = app
        .call(
            &client,
            "customers/create",
            &[
                ("name", "Dana Reyes"),
                ("email", "Dana@Example.com"),
                ("phone", "+1 555 010 2030"),
                ("external_ref", "c-1001"),
                ("segment", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let row: (String, String, String) =
        sqlx::query_as("SELECT email, segment, referral_code FROM customers")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        (row.0.as_str(), row.1.as_str()),
        ("dana@example.com", "retail")
    );
    assert_eq!(row.2.len(), 8);
    let audited = app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'customer.create' AND after_json IS NOT NULL").await;
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn invalid_customer_fields_are_reported_per_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    let client = app.staff_browser("associate").await;
    let res = app
        .call(
            &client,
            "customers/create",
            &[
                ("name", ""),
                ("email", "not-an-email"),
                ("phone", "12"),
                ("external_ref", "bad ref!"),
                ("segment", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    let fields: Vec<&str> = body["Validation"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "email", "phone", "external_ref"]);
    assert_eq!(app.count("SELECT COUNT(*) FROM customers").await, 0);
}

#[tokio::test]
async fn a_duplicate_email_or_reference_is_refused_naming_the_existing_customer() {
    let app = spawn_app().await;
    let client = app.staff_browser("associate").await;
    let first = [
        ("name", "Dana Reyes"),
        ("email", "dana@example.com"),
        ("phone", ""),
        ("external_ref", "c-1001"),
        ("segment", ""),
    ];
    assert_eq!(
        app.call(&client, "customers/create", &first).await.status(),
        200
    );
    let again = [
        ("name", "Dana R"),
        ("email", "DANA@example.com"),
        ("phone", ""),
        ("external_ref", "c-1001"),
        ("segment", ""),
    ];
    let res = app.call(&client, "customers/create", &again).await;
    assert_eq!(res.status(), 422);
    let text = res.text().await.unwrap();
    assert!(text.contains("Dana Reyes already has this email"), "{text}");
    assert!(
        text.contains("already has this external reference"),
        "{text}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM customers").await, 1);
}

#[tokio::test]
async fn editing_a_customer_keeps_before_and_after_in_the_audit_log() {
    let app = spawn_app().await;
    let client = app.staff_browser("associate").await;
    let mut form = vec![("name", "Dana Reyes")];
    form.extend(EMPTY);
    let id: i64 = app
        .call(&client, "customers/create", &form)
        .await
        .json()
        .await
        .unwrap();
    let id = id.to_string();
    let res = app
        .call(
            &client,
            "customers/update",
            &[
                ("id", &id),
                ("name", "Dana Reyes-Ortiz"),
                ("email", ""),
                ("phone", ""),
                ("external_ref", ""),
                ("segment", "vip"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let (before, after): (String, String) = sqlx::query_as(
        "SELECT before_json, after_json FROM audit_log WHERE action = 'customer.update'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(
        before.contains("\"Dana Reyes\"")
            && after.contains("Dana Reyes-Ortiz")
            && after.contains("vip")
    );
}

#[tokio::test]
async fn the_list_searches_name_email_and_reference_and_pages() {
    let app = spawn_app().await;
    let client = app.staff_browser("associate").await;
    for i in 0..30 {
        let name = format!("Customer {i:02}");
        let email = format!("c{i}@example.com");
        let reference = format!("ref-{i}");
        app.call(
            &client,
            "customers/create",
            &[
                ("name", &name),
                ("email", &email),
                ("phone", ""),
                ("external_ref", &reference),
                ("segment", ""),
            ],
        )
        .await;
    }
    let page: serde_json::Value = app
        .call(
            &client,
            "customers/list",
            &[("q", ""), ("sort", "name"), ("page", "2")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 30);
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    assert_eq!(page["items"][0]["name"], "Customer 25");
    let by_ref: serde_json::Value = app
        .call(
            &client,
            "customers/list",
            &[("q", "REF-7"), ("sort", "name"), ("page", "1")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_ref["total"], 1);
    let wildcard: serde_json::Value = app
        .call(
            &client,
            "customers/list",
            &[("q", "%"), ("sort", "name"), ("page", "1")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        wildcard["total"], 0,
        "a typed % is a literal, not a wildcard"
    );
    let newest: serde_json::Value = app
        .call(
            &client,
            "customers/list",
            &[("q", "customer"), ("sort", "name_desc"), ("page", "1")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(newest["items"][0]["name"], "Customer 29");
}

#[tokio::test]
async fn a_missing_customer_is_404() {
    let app = spawn_app().await;
    let client = app.staff_browser("associate").await;
    assert_eq!(
        app.call(&client, "customers/get", &[("id", "424242")])
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn a_plain_html_form_post_with_errors_goes_back_to_the_form() {
    let app = spawn_app().await;
    let client = app.staff_browser("associate").await;
    let res = client
        .post(app.url("/fn/customers/create"))
        .header("accept", "text/html")
        .header("referer", app.url("/customers/new"))
        .form(&[
            ("name", ""),
            ("email", ""),
            ("phone", ""),
            ("external_ref", ""),
            ("segment", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert!(location(&res).contains("/customers/new?") && location(&res).contains("__err="));
    let ok = client
        .post(app.url("/fn/customers/create"))
        .header("accept", "text/html")
        .header("referer", app.url("/customers/new"))
        .form(&[
            ("name", "Form Person"),
            ("email", ""),
            ("phone", ""),
            ("external_ref", ""),
            ("segment", ""),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        location(&ok).contains("/customers/") && location(&ok).ends_with("?flash=created"),
        "{}",
        location(&ok)
    );
}
