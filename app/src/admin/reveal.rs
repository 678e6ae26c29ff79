//! Secrets shown once (API tokens, invitation and survey links, recovery codes). The server
//! function that creates one puts it in a short-lived HttpOnly cookie scoped to the one page
//! that shows it and the one server function that reads it there; that read takes it out and
//! clears the cookie. This works the same with and without JavaScript, keeps the secret out of
//! URLs and logs, and no other page is ever sent it.

pub const COOKIE: &str = "em_reveal";

/// The page that shows a secret and the server function (its `/fn/` path) that reads it.
pub type Scope = (&'static str, &'static str);

#[cfg(feature = "ssr")]
fn write(value: &str, max_age: u32, (page, function): Scope) {
    if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        for path in [page, function] {
            let cookie = format!(
                "{COOKIE}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict"
            );
            if let Ok(value) = http::HeaderValue::from_str(&cookie) {
                options.append_header(http::header::SET_COOKIE, value);
            }
        }
    }
}

#[cfg(feature = "ssr")]
pub fn set(secret: &str, scope: Scope) {
    write(secret, 300, scope);
}

/// Takes the secret waiting to be shown, if any, clearing it.
#[cfg(feature = "ssr")]
pub fn take(scope: Scope) -> Option<String> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    let secret = crate::accounts::sessions::cookie_value(&parts.headers, COOKIE)?;
    write("", 0, scope);
    Some(secret)
}
