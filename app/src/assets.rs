//! The built site's file names. The build writes each bundle file under a name carrying a hash
//! of its content and lists the hashes in `hash.txt` at the site root (the layout Leptos reads
//! for the hydration scripts), so browsers may keep those files for a year.

/// The hash manifest of a site, when the site was built with hashed names.
pub fn manifest_path(site_root: &str) -> std::path::PathBuf {
    std::path::Path::new(site_root).join("hash.txt")
}

/// The stylesheet's path under the site, hashed when the manifest names a hash for it.
pub fn stylesheet_href(site_root: &str, pkg_dir: &str, output_name: &str) -> String {
    let hash = std::fs::read_to_string(manifest_path(site_root))
        .ok()
        .and_then(|text| hash_of(&text, "css"));
    match hash {
        Some(h) => format!("/{pkg_dir}/{output_name}.{h}.css"),
        None => format!("/{pkg_dir}/{output_name}.css"),
    }
}

/// The hash a manifest gives for one kind of file (`js`, `wasm`, `css`).
pub fn hash_of(manifest: &str, kind: &str) -> Option<String> {
    manifest.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        let v = v.trim();
        (k.trim() == kind && !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric()))
            .then(|| v.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_names_each_kind_and_nothing_else() {
        let m = "js: abc123\nwasm: def456\ncss: 0f0f\n";
        assert_eq!(hash_of(m, "js").as_deref(), Some("abc123"));
        assert_eq!(hash_of(m, "css").as_deref(), Some("0f0f"));
        assert_eq!(hash_of(m, "svg"), None);
        assert_eq!(
            hash_of("css: ../x\n", "css"),
            None,
            "only a plain hash is a file name"
        );
    }

    #[test]
    fn without_a_manifest_the_stylesheet_keeps_its_plain_name() {
        let href = stylesheet_href("/nonexistent-site", "pkg", "extramile");
        assert_eq!(href, "/pkg/extramile.css");
    }
}
