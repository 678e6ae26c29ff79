//! The token-authenticated JSON API, as another system calls it.
use reqwest::{Client, Response};
use serde::Serialize;
use serde_json::Value;

use super::spawn::TestApp;

impl TestApp {
    /// GETs `path` of the API with `token`.
    pub async fn api_get(&self, token: &str, path: &str) -> Response {
        Client::new()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn api_put(&self, token: &str, path: &str, body: &impl Serialize) -> Response {
        Client::new()
            .put(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// The OpenAPI document the app serves.
    pub async fn api_document(&self) -> Value {
        let res = Client::new()
            .get(self.url("/api/openapi.json"))
            .send()
            .await
            .unwrap();
        super::browsing::ok_json(res).await
    }

    /// POSTs `body` as JSON to `path` of the API with `token`.
    pub async fn api_post(&self, token: &str, path: &str, body: &impl Serialize) -> Response {
        Client::new()
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

/// The (index, field) of each problem a refused batch names, in order.
pub fn item_errors(body: &Value) -> Vec<(i64, String)> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["index"].as_i64().unwrap(),
                i["field"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The figure `key` of a weekly report.
pub fn figure<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == key)
        .unwrap_or_else(|| panic!("no figure {key}"))
}
