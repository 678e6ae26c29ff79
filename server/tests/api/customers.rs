//! Customers through the staff forms: validation per field, duplicates named, the audit trail,
//! search and paging, and the plain HTML form.
use crate::helpers::*;

#[tokio::test]
async fn an_associate_adds_a_customer_and_the_change_is_audited() {
    let app = spawn_app().await;
    let client = app.staff_browser("associate").await;
    let form = customer_form(&[
        ("name", "Dana Reyes"),
        ("email", "Dana@Example.com"),
        ("phone", "+1 555 010 2030"),
        ("external_ref", "c-1001"),
    ]);
    let res = app.call(&client, "customers/create", &form).await;
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
    let form = customer_form(&[
        ("email", "not-an-email"),
        ("phone", "12"),
        ("external_ref", "bad ref!"),
    ]);
    let res = app.call(&client, "customers/create", &form).await;
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        field_errors(&body),
        ["name", "email", "phone", "external_ref"]
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM customers").await, 0);
}

#[tokio::test]
async fn a_duplicate_email_or_reference_is_refused_naming_the_existing_customer() {
    let app = spawn_app().await;
    let client = app.staff_browser("associate").await;
    let first = customer_form(&[
        ("name", "Dana Reyes"),
        ("email", "dana@example.com"),
        ("external_ref", "c-1001"),
    ]);
    assert_eq!(
        app.call(&client, "customers/create", &first).await.status(),
        200
    );
    let again = customer_form(&[
        ("name", "Dana R"),
        ("email", "DANA@example.com"),
        ("external_ref", "c-1001"),
    ]);
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
    let form = customer_form(&[("name", "Dana Reyes")]);
    let id: i64 = ok_json(app.call(&client, "customers/create", &form).await).await;
    let id = id.to_string();
    let form = customer_form(&[
        ("id", &id),
        ("name", "Dana Reyes-Ortiz"),
        ("segment", "vip"),
    ]);
    let res = app.call(&client, "customers/update", &form).await;
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
        customer(
            &app,
            &client,
            &format!("Customer {i:02}"),
            &format!("ref-{i}"),
        )
        .await;
    }
    let list = |q: &'static str, sort: &'static str, page: &'static str| {
        let (app, client) = (&app, &client);
        async move {
            let form = [("q", q), ("sort", sort), ("page", page)];
            app.call_json(client, "customers/list", &form).await
        }
    };
    let page = list("", "name", "2").await;
    assert_eq!(page["total"], 30);
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    assert_eq!(page["items"][0]["name"], "Customer 25");
    assert_eq!(list("REF-7", "name", "1").await["total"], 1);
    assert_eq!(
        list("%", "name", "1").await["total"],
        0,
        "a typed % is a literal, not a wildcard"
    );
    let newest = list("customer", "name_desc", "1").await;
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
    let res = app
        .submit_form(
            &client,
            "customers/create",
            "/customers/new",
            &customer_form(&[]),
        )
        .await;
    assert_eq!(res.status(), 302);
    assert!(location(&res).contains("/customers/new?") && location(&res).contains("__err="));
    let form = customer_form(&[("name", "Form Person")]);
    let ok = app
        .submit_form(&client, "customers/create", "/customers/new", &form)
        .await;
    assert!(
        location(&ok).contains("/customers/") && location(&ok).ends_with("?flash=created"),
        "{}",
        location(&ok)
    );
}
