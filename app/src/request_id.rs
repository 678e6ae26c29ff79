//! The id of the request being served, so errors logged deep inside can name it, and the
//! client's address, so audit entries written deep inside record where the request came from.
#[cfg(feature = "ssr")]
tokio::task_local! {
    static REQUEST_ID: String;
    static CLIENT_IP: String;
}

/// Runs `fut` with `id` as the current request id and `ip` as the client's address.
#[cfg(feature = "ssr")]
pub async fn scope_request<F: std::future::Future>(id: String, ip: String, fut: F) -> F::Output {
    CLIENT_IP.scope(ip, REQUEST_ID.scope(id, fut)).await
}

/// The address of the client whose request is being served, if any.
#[cfg(feature = "ssr")]
pub fn client_ip() -> Option<String> {
    CLIENT_IP.try_with(Clone::clone).ok()
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
