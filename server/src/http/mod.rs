//! The HTTP surface besides pages and server functions: middleware, sign-in forms, health,
//! and the JSON API.
pub mod account;
pub mod api;
pub mod assets;
pub mod audit;
pub mod context;
pub mod errors;
pub mod exports;
pub mod guard;
pub mod health;
pub mod imports;
pub mod metrics;
pub mod reports;
pub mod security;
pub mod signin;

/// A CSV file download.
pub fn csv_attachment(file: &str, body: String) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}
