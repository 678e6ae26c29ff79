//! The browser bundle and stylesheet under `/pkg`: files whose names carry a hash of their
//! content are cached by browsers for a year, and are served from the brotli and gzip copies
//! the build wrote beside them, so nothing is compressed on a request.
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{from_fn, Next};
use axum::response::Response;
use axum::Router;
use std::path::Path;
use tower_http::services::ServeDir;

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub fn bundle<S: Clone + Send + Sync + 'static>(site_root: &str) -> Router<S> {
    let dir = Path::new(site_root).join("pkg");
    Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(from_fn(cache_headers))
}

async fn cache_headers(req: Request, next: Next) -> Response {
    let hashed = is_hashed(req.uri().path());
    let mut response = next.run(req).await;
    if response.status().is_success() {
        // A name without a hash may change under the same name: browsers ask again each time.
        let value = if hashed { IMMUTABLE } else { "no-cache" };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

/// `name.<hash>.ext`: a content hash of at least eight letters and digits before the extension.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3 && {
        let hash = parts[parts.len() - 2];
        hash.len() >= 8 && hash.chars().all(|c| c.is_ascii_alphanumeric())
    }
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn only_names_with_a_content_hash_are_kept_for_a_year() {
        assert!(is_hashed("/extramile.3f9a0c1d2e4b5a6c.wasm"));
        assert!(is_hashed("/extramile.3f9a0c1d2e4b5a6c.css"));
        assert!(!is_hashed("/extramile.wasm"));
        assert!(!is_hashed("/extramile.css"));
        assert!(!is_hashed("/extramile.ab.js"));
    }
}
