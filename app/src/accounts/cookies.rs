//! Every cookie the product sets or reads, through axum-extra's cookie jar: one builder for the
//! attributes (HttpOnly always; `Secure` whenever the site is served over TLS) and one reader.
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

pub use axum_extra::extract::cookie::SameSite as Site;

/// A cookie to set: `value` for `max_age` seconds (0 clears it) on `path`.
pub struct Spec<'a> {
    pub name: &'a str,
    pub path: &'a str,
    pub max_age: i64,
    pub same_site: SameSite,
    pub secure: bool,
}

impl Spec<'_> {
    /// The `Set-Cookie` header value for `value`.
    pub fn header(&self, value: &str) -> http::HeaderValue {
        let cookie = Cookie::build((self.name.to_string(), value.to_string()))
            .path(self.path.to_string())
            .max_age(cookie::time::Duration::seconds(self.max_age))
            .http_only(true)
            .same_site(self.same_site)
            .secure(self.secure)
            .build();
        http::HeaderValue::from_str(&cookie.encoded().to_string())
            .expect("an encoded cookie is visible ASCII")
    }

    /// Sets `value` on the response a server function is building.
    pub fn set(&self, value: &str) {
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            options.append_header(http::header::SET_COOKIE, self.header(value));
        }
    }
}

/// A cookie's value from request headers, if it is set and not empty.
pub fn read(headers: &http::HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(name)
        .map(|c| c.value_trimmed().to_string())
        .filter(|v| !v.is_empty())
}

/// Whether cookies must be `Secure` here, from the running app's settings.
pub fn secure() -> bool {
    leptos::prelude::use_context::<crate::state::AppState>()
        .is_some_and(|s| s.settings.secure_cookies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_carry_their_attributes_and_read_back() {
        let spec = Spec {
            name: "em_ref",
            path: "/",
            max_age: 60,
            same_site: SameSite::Lax,
            secure: true,
        };
        let header = spec.header("ABC123");
        let text = header.to_str().unwrap();
        for part in [
            "em_ref=ABC123",
            "Path=/",
            "Max-Age=60",
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::COOKIE,
            "a=1; em_ref=ABC123; empty=".parse().unwrap(),
        );
        assert_eq!(read(&headers, "em_ref").as_deref(), Some("ABC123"));
        assert_eq!(read(&headers, "empty"), None);
        assert_eq!(read(&headers, "missing"), None);
    }
}
