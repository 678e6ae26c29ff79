//! Plain error pages sent before the app renders (403, 410, 429) and the 500 page for
//! unexpected failures, which names the request id the logs carry and nothing of the failure.
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use std::any::Any;

pub fn panic_page(err: Box<dyn Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    let request_id = app::request_id::current();
    tracing::error!(%request_id, "handler panicked: {detail}");
    let message = format!(
        "Nothing you did caused this. Please try again; if it keeps happening, tell us the request id {request_id}."
    );
    let mut response = page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong on our side",
        &message,
        ("/", "Go to your start page"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A small self-contained page in the product's style: status code, title, message, one link.
pub fn page(status: StatusCode, title: &str, message: &str, link: (&str, &str)) -> Response {
    let body = format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} · Extra Mile</title><link rel="stylesheet" href="/pkg/extramile.css"></head><body><main id="main" class="error-page"><p class="error-code">{code}</p><h1>{title}</h1><p class="muted">{message}</p><a class="button" href="{href}">{text}</a></main></body></html>"#,
        code = status.as_u16(),
        title = escape(title),
        message = escape(message),
        href = escape(link.0),
        text = escape(link.1),
    );
    (status, Html(body)).into_response()
}
