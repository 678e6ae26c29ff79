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
    use super::cookies::{secure, Site, Spec};
    for path in [page, function] {
        Spec {
            name: COOKIE,
            path,
            max_age: max_age.into(),
            same_site: Site::Strict,
            secure: secure(),
        }
        .set(value);
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
    let secret = super::cookies::read(&parts.headers, COOKIE)?;
    write("", 0, scope);
    Some(secret)
}
