//! The id of the request being served, so errors logged deep inside can name it.
#[cfg(feature = "ssr")]
tokio::task_local! {
    static REQUEST_ID: String;
}

/// Runs `fut` with `id` as the current request id.
#[cfg(feature = "ssr")]
pub async fn scope<F: std::future::Future>(id: String, fut: F) -> F::Output {
    REQUEST_ID.scope(id, fut).await
}

/// The current request id, or "-" outside a request (CLI commands, start-up).
#[cfg(feature = "ssr")]
pub fn current() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| "-".to_string())
}
