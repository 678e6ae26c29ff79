//! Every API operation's integer and yes/no query parameters, read from the served OpenAPI
//! document, refuse values not of their type: a list filter sent empty or as a word narrows
//! nothing silently.
use crate::helpers::*;
use serde_json::Value;

#[tokio::test]
async fn every_typed_query_parameter_refuses_values_not_of_its_type() {
    let app = spawn_app().await;
    let token = api_token(&app, "Typed parameters").await;
    let doc: Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut checked = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(params) = item["get"]["parameters"].as_array() else {
            continue;
        };
        if path.contains('{') {
            continue;
        }
        for p in params.iter().filter(|p| p["in"] == "query") {
            let name = p["name"].as_str().unwrap();
            let types = p["schema"]["type"].to_string();
            let bad: &[&str] = if types.contains("integer") {
                &["", "AAA", "1.5"]
            } else if types.contains("boolean") {
                &["", "AAA", "2"]
            } else {
                continue;
            };
            for value in bad {
                let res = app.api_get(&token, &format!("{path}?{name}={value}")).await;
                let status = res.status().as_u16();
                assert!(
                    matches!(status, 400 | 422 | 403),
                    "GET {path}?{name}={value} answered {status}"
                );
            }
            checked.push(format!("{path} {name}"));
        }
    }
    for expected in [
        "/api/v1/stories customer",
        "/api/v1/referrals converted",
        "/api/v1/follow-ups reached",
    ] {
        assert!(
            checked.iter().any(|c| c == expected),
            "{expected} was not checked: {checked:?}"
        );
    }
}
