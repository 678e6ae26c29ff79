//! Live progress of running imports. The import's transaction holds SQLite's write lock, so
//! progress cannot be written to the database while it runs; it is kept in this process and
//! the final outcome is stored when the transaction ends.
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

fn registry() -> &'static Mutex<HashMap<i64, (usize, String)>> {
    static REGISTRY: OnceLock<Mutex<HashMap<i64, (usize, String)>>> = OnceLock::new();
    REGISTRY.get_or_init(Default::default)
}

pub fn set(id: i64, done: usize, phase: &str) {
    if let Ok(mut map) = registry().lock() {
        map.insert(id, (done, phase.to_string()));
    }
}

/// Rows done and the phase, while the import runs in this process.
pub fn get(id: i64) -> Option<(usize, String)> {
    registry().lock().ok()?.get(&id).cloned()
}

pub fn clear(id: i64) {
    if let Ok(mut map) = registry().lock() {
        map.remove(&id);
    }
}
