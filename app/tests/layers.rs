//! The module layers of the app, bottom to top, and a check that every `crate::` path in a
//! module names a module below it: arrows point down, so no two domains import each other and
//! no circle can form between them. A new top-level module must be placed in `LAYERS`.
use std::collections::BTreeSet;
use std::path::Path;

/// Bottom first. A module may use only modules listed before it.
const LAYERS: &[&str] = &[
    // The kernel: errors, configuration, the shared vocabulary and the database.
    "request_id",
    "error",
    "url_encoding",
    "settings",
    "assets",
    "common",
    "db",
    "clock",
    "state",
    // Platform services every domain records into or reads from.
    "audit",
    "org_settings",
    "outbox",
    "accounts",
    "components",
    "org",
    "webhooks",
    "notifications",
    // The customer record, then the domains that hang facts off it.
    "standing",
    "customers",
    "admin",
    "feedback",
    // Reads incidents' tables to compare recoveries; the incident page shows its panel.
    "playbook",
    "incidents",
    "signals",
    "loyalty",
    "stories",
    "imports",
    "themes",
    "reports",
    // Deletes what is past retention from many domains' tables.
    "retention",
    // The background jobs run the work of every domain.
    "jobs",
    // Compositions of several domains.
    "portal",
    "pages",
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a source file names through `crate::`, including those inside
/// `use crate::{a, b::c}` groups.
fn named_modules(source: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = source;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
            let end = group.find("};").or_else(|| group.find('}')).unwrap_or(0);
            group[..end].split(',').collect()
        } else {
            vec![rest]
        };
        for name in names {
            let name: String = name
                .trim()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let rank = |module: &str| LAYERS.iter().position(|m| *m == module);
    let mut problems = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let top = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" {
            continue;
        }
        let Some(own) = rank(&top) else {
            problems.push(format!("{top} is not placed in LAYERS"));
            continue;
        };
        let source = std::fs::read_to_string(&file).unwrap();
        for used in named_modules(&source) {
            match rank(&used) {
                Some(r) if r > own => problems.push(format!(
                    "{} uses crate::{used}, which is above {top}",
                    relative.display()
                )),
                _ => {}
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "layering broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn grouped_imports_are_read_module_by_module() {
    let names =
        named_modules("use crate::{db::Db, error::AppError};\nlet x = crate::org::clock::now();");
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        ["db", "error", "org"]
    );
}
