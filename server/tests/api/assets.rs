//! The browser bundle as browsers get it: names carrying a hash of the content, the brotli and
//! gzip copies written at build time sent as they are, a year of caching even for signed-in
//! people, and pages that carry no data for a browser to hydrate outside their islands.
use crate::helpers::*;
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, COOKIE};
use std::path::PathBuf;

const JS: &str = "fedcba9876543210";
const WASM: &str = "0123456789abcdef";
const CSS: &str = "00112233aabbccdd";

/// A site laid out as `build_site` lays it out, with recognisable bytes in each copy.
fn built_site() -> PathBuf {
    let site = std::env::temp_dir().join(format!("extramile-site-{}", unique()));
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    for (kind, hash) in [("js", JS), ("wasm", WASM), ("css", CSS)] {
        let name = format!("extramile.{hash}.{kind}");
        std::fs::write(pkg.join(&name), format!("raw {kind}")).unwrap();
        std::fs::write(pkg.join(format!("{name}.br")), format!("brotli {kind}")).unwrap();
        std::fs::write(pkg.join(format!("{name}.gz")), format!("gzip {kind}")).unwrap();
    }
    std::fs::write(pkg.join("snippet.js"), "plain").unwrap();
    std::fs::write(
        site.join("hash.txt"),
        format!("js: {JS}\nwasm: {WASM}\ncss: {CSS}\n"),
    )
    .unwrap();
    site
}

async fn page(client: &reqwest::Client, url: &str) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn pages_name_the_hashed_bundle_and_stylesheet_and_preload_them() {
    let site = built_site();
    let app = spawn_app_on_site(|_| {}, None, site.to_str().unwrap()).await;
    let html = page(&browser(), &app.url("/login")).await;
    assert!(
        html.contains(&format!(
            r#"<link rel="stylesheet" href="/pkg/extramile.{CSS}.css">"#
        )),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            r#"<link rel="modulepreload" href="/pkg/extramile.{JS}.js""#
        )),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            r#"<link rel="preload" href="/pkg/extramile.{WASM}.wasm""#
        )),
        "{html}"
    );
    // The script that loads the bundle asks for the same hashed files.
    assert!(
        html.contains(&format!(r#""extramile.{JS}", "extramile.{WASM}""#)),
        "{html}"
    );
    std::fs::remove_dir_all(site).unwrap();
}

#[tokio::test]
async fn the_bundle_is_sent_from_its_precompressed_copies_and_kept_for_a_year() {
    let site = built_site();
    let app = spawn_app_on_site(|_| {}, None, site.to_str().unwrap()).await;
    let client = browser();
    let wasm = app.url(&format!("/pkg/extramile.{WASM}.wasm"));
    for (accept, encoding, body) in [
        ("br", Some("br"), "brotli wasm"),
        ("gzip", Some("gzip"), "gzip wasm"),
        ("gzip, deflate, br", Some("br"), "brotli wasm"),
        ("identity", None, "raw wasm"),
    ] {
        let res = client
            .get(&wasm)
            .header(ACCEPT_ENCODING, accept)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let headers = res.headers().clone();
        assert_eq!(
            headers.get(CONTENT_ENCODING).map(|v| v.to_str().unwrap()),
            encoding,
            "Accept-Encoding: {accept}"
        );
        assert_eq!(
            headers[CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(headers["content-type"], "application/wasm");
        assert_eq!(res.text().await.unwrap(), body, "Accept-Encoding: {accept}");
    }
    // A file without a hash in its name may change under it: browsers ask again.
    let plain = client.get(app.url("/pkg/snippet.js")).send().await.unwrap();
    assert_eq!(plain.headers()[CACHE_CONTROL], "no-cache");
    let missing = client
        .get(app.url("/pkg/extramile.ffffffffffffffff.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing
        .headers()
        .get(CACHE_CONTROL)
        .is_none_or(|v| v != "public, max-age=31536000, immutable"));
    std::fs::remove_dir_all(site).unwrap();
}

#[tokio::test]
async fn a_signed_in_person_caches_the_bundle_but_never_their_pages() {
    let site = built_site();
    let app = spawn_app_on_site(|_| {}, None, site.to_str().unwrap()).await;
    let client = app.staff_browser("manager").await;
    let css = client
        .get(app.url(&format!("/pkg/extramile.{CSS}.css")))
        .header(ACCEPT_ENCODING, "br")
        .send()
        .await
        .unwrap();
    assert_eq!(
        css.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let page = client.get(app.url("/dashboard")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()[CACHE_CONTROL], "no-store");
    // An asset request is not a way around the session check either: no cookie, same answer.
    let anonymous = browser()
        .get(app.url(&format!("/pkg/extramile.{CSS}.css")))
        .header(COOKIE, "")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 200);
    std::fs::remove_dir_all(site).unwrap();
}

#[tokio::test]
async fn pages_carry_no_data_for_hydration_outside_their_islands() {
    let app = spawn_app().await;
    let client = app.staff_browser("manager").await;
    let html = page(&client, &app.url("/dashboard")).await;
    // The dashboard's data is read on the server and rendered; nothing is sent again as data.
    assert!(
        html.contains("__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];"),
        "{html}"
    );
    assert!(!html.contains("__RESOLVED_RESOURCES["), "{html}");
    // The bell is an island: its props are the only state the page hands to the browser.
    assert!(
        html.contains(r#"<leptos-island data-component="Bell_"#),
        "{html}"
    );
}
