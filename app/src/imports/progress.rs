//! Live progress of running imports, kept on the import's row so that every instance shows
//! it. The import's own transaction cannot carry it (nobody sees inside it until it ends), so
//! progress is written beside it on another connection. SQLite has one writer at a time and
//! the import holds it: there progress stays with the process running the import, which is
//! the only one serving that file.
use crate::db::{dialect, Db, Dialect};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How often progress is written at most.
const EVERY: Duration = Duration::from_millis(250);

fn in_process() -> &'static Mutex<HashMap<i64, (usize, String)>> {
    static REGISTRY: OnceLock<Mutex<HashMap<i64, (usize, String)>>> = OnceLock::new();
    REGISTRY.get_or_init(Default::default)
}

/// Reports the progress of one running import.
pub struct Reporter {
    db: Db,
    id: i64,
    shared: bool,
    last: Mutex<Option<Instant>>,
}

impl Reporter {
    pub fn new(db: &Db, id: i64) -> Self {
        Self {
            db: db.clone(),
            id,
            shared: dialect(db) == Dialect::Postgres,
            last: Mutex::new(None),
        }
    }

    /// Rows done and the phase; written at most every quarter second unless `force`.
    pub fn set(&self, done: usize, phase: &str, force: bool) {
        if let Ok(mut map) = in_process().lock() {
            map.insert(self.id, (done, phase.to_string()));
        }
        if !self.shared {
            return;
        }
        if let Ok(mut last) = self.last.lock() {
            if !force && last.is_some_and(|at| at.elapsed() < EVERY) {
                return;
            }
            *last = Some(Instant::now());
        }
        let (db, id, phase) = (self.db.clone(), self.id, phase.to_string());
        // Writes may land out of order; the guard keeps progress from running backwards.
        tokio::spawn(async move {
            let written = sqlx::query(
                "UPDATE imports SET progress_done = $1, progress_phase = $2
                 WHERE id = $3 AND status = 'running' AND progress_done <= $1",
            )
            .bind(done as i64)
            .bind(phase)
            .bind(id)
            .execute(&db)
            .await;
            if let Err(e) = written {
                tracing::warn!(import = id, "could not record import progress: {e}");
            }
        });
    }
}

impl Drop for Reporter {
    fn drop(&mut self) {
        if let Ok(mut map) = in_process().lock() {
            map.remove(&self.id);
        }
    }
}

/// Rows done and the phase of a running import, when this process runs it (SQLite).
pub fn local(id: i64) -> Option<(usize, String)> {
    in_process().lock().ok()?.get(&id).cloned()
}
