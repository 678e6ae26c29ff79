//! Requests as a browser makes them: pages, form posts, and server functions called as the
//! app's own client code calls them; and what their answers carry.
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT};
use reqwest::{redirect, Client, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::spawn::TestApp;

/// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

/// `defaults` with each of `fields` in place of the default of its name, or added after them.
pub fn with_fields<'a>(
    defaults: &[(&'a str, &'a str)],
    fields: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut form = defaults.to_vec();
    for &(name, value) in fields {
        match form.iter_mut().find(|(key, _)| *key == name) {
            Some(entry) => entry.1 = value,
            None => form.push((name, value)),
        }
    }
    form
}

/// A list's filter form: each of `filters` blank, on page 1, but for `fields`.
pub fn filter_form<'a>(
    filters: &[&'a str],
    fields: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let blank: Vec<(&str, &str)> = filters
        .iter()
        .map(|f| (*f, ""))
        .chain([("page", "1")])
        .collect();
    with_fields(&blank, fields)
}

/// The incidents list's filter form: blank, on page 1, but for `fields`.
pub fn incidents_form<'a>(fields: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let filters = [
        "status", "category", "severity", "source", "assignee", "customer", "week", "overdue", "q",
        "sort",
    ];
    filter_form(&filters, fields)
}

/// The feedback list's filter form: blank, on page 1, but for `fields`.
pub fn feedback_form<'a>(fields: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let filters = [
        "assessment",
        "score_type",
        "channel",
        "customer",
        "week",
        "q",
    ];
    filter_form(&filters, fields)
}

/// The story library's search form: blank, on page 1, but for `fields`.
pub fn stories_form<'a>(fields: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let filters = [
        "q",
        "kind",
        "tag",
        "associate",
        "customer",
        "week",
        "sort",
        "spotlight",
    ];
    filter_form(&filters, fields)
}

/// The JSON of a 200 answer; any other status fails the test, showing the body.
pub async fn ok_json<T: DeserializeOwned>(res: Response) -> T {
    let status = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// The fields a 422 answer of a server function names, in order.
pub fn field_errors(body: &Value) -> Vec<String> {
    body["Validation"]["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .map(|f| f["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Where a redirect points, or "" for none.
pub fn location(res: &Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The value of the session cookie a response sets, if any.
pub fn session_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("em_session="))
        .map(|v| {
            v.trim_start_matches("em_session=")
                .split(';')
                .next()
                .unwrap_or_default()
                .to_string()
        })
}

impl TestApp {
    /// `path` as `client` gets it.
    pub async fn get(&self, client: &Client, path: &str) -> Response {
        client.get(self.url(path)).send().await.unwrap()
    }

    /// `path` as a browser sending only the cookie `cookie` ("name=value") gets it.
    pub async fn get_with_cookie(&self, cookie: &str, path: &str) -> Response {
        browser()
            .get(self.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap()
    }

    /// The HTML of a page as `client` sees it.
    pub async fn page_text(&self, client: &Client, path: &str) -> String {
        self.get(client, path).await.text().await.unwrap()
    }

    pub async fn post_form(&self, client: &Client, path: &str, form: &[(&str, &str)]) -> Response {
        client.post(self.url(path)).form(form).send().await.unwrap()
    }

    /// Calls a server function as the app's own client code does (not as a plain HTML form).
    pub async fn call(&self, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        client
            .post(self.url(&format!("/fn/{endpoint}")))
            .headers(headers)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// [`TestApp::call`] with a form of owned names or values.
    pub async fn call_owned(
        &self,
        client: &Client,
        endpoint: &str,
        form: &[(impl AsRef<str>, impl AsRef<str>)],
    ) -> Response {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect();
        self.call(client, endpoint, &form).await
    }

    /// What a server function answers, which must be a success.
    pub async fn call_json(&self, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> Value {
        ok_json(self.call(client, endpoint, form).await).await
    }

    /// Posts a server function's form as a plain HTML form on the page at `page` (no
    /// JavaScript): the answer redirects, back to the page when the form has errors.
    pub async fn submit_form(
        &self,
        client: &Client,
        endpoint: &str,
        page: &str,
        form: &[(&str, &str)],
    ) -> Response {
        client
            .post(self.url(&format!("/fn/{endpoint}")))
            .header("accept", "text/html")
            .header("referer", self.url(page))
            .form(form)
            .send()
            .await
            .unwrap()
    }
}
