//! Secrets shown once (API tokens, invitation links). The server function that creates one puts
//! it in a short-lived HttpOnly cookie scoped to the admin pages; the next load of the page
//! takes it out and clears the cookie. This works the same with and without JavaScript, and
//! keeps the secret out of URLs and logs.

pub const COOKIE: &str = "em_reveal";

#[cfg(feature = "ssr")]
pub fn set(secret: &str) {
    if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        let cookie = format!("{COOKIE}={secret}; Path=/; Max-Age=300; HttpOnly; SameSite=Strict");
        if let Ok(value) = http::HeaderValue::from_str(&cookie) {
            options.append_header(http::header::SET_COOKIE, value);
        }
    }
}

/// Takes the secret waiting to be shown, if any, clearing it.
#[cfg(feature = "ssr")]
pub fn take() -> Option<String> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    let secret = crate::accounts::sessions::cookie_value(&parts.headers, COOKIE)?;
    if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        let clear = format!("{COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        if let Ok(value) = http::HeaderValue::from_str(&clear) {
            options.append_header(http::header::SET_COOKIE, value);
        }
    }
    Some(secret)
}
