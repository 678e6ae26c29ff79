//! Uploading (check, keep) and importing (one transaction, in the background, with progress).
use super::check::{self, Items};
use super::store::{self, Upload};
use super::{progress, ImportKind, ImportStatus, LineError};
use crate::audit::Actor;
use crate::db::{now_ms, Db};
use crate::error::AppError;

/// An import still marked running this long after it started was cut off by a restart; its
/// transaction was rolled back with the process.
const ABANDONED_AFTER_MS: i64 = 30 * 60 * 1000;

/// Checks an uploaded file and keeps it with what the check found; returns the import's id.
pub async fn upload(
    db: &Db,
    kind: ImportKind,
    file_name: &str,
    bytes: &[u8],
    staff_id: i64,
) -> Result<i64, AppError> {
    let tz = crate::org::clock::time_zone(db).await?;
    let file_name = file_name.trim();
    let file_name = if file_name.is_empty() {
        "upload.csv"
    } else {
        file_name
    };
    match check::read(kind, bytes, now_ms(), tz) {
        Err(message) => {
            store::create(db, kind, file_name, Upload::Unreadable(message), staff_id).await
        }
        Ok(mut checked) => {
            if checked.errors.is_empty() {
                check::against_database(db, &mut checked).await?;
            }
            // The reader accepted the bytes, so they are UTF-8.
            let content = std::str::from_utf8(bytes).unwrap_or_default();
            let upload = Upload::Read {
                content,
                checked: &checked,
            };
            store::create(db, kind, file_name, upload, staff_id).await
        }
    }
}

/// Starts importing a checked file in the background; the page follows its progress.
pub async fn start(db: &Db, id: i64, actor: Actor) -> Result<(), AppError> {
    let (kind, content) = store::claim(db, id).await?;
    let reporter = progress::Reporter::new(db, id);
    reporter.set(0, "Starting", true);
    let db = db.clone();
    tokio::spawn(async move {
        let outcome = execute(&db, kind, &content, &actor, &reporter).await;
        let (status, summary, message, errors) = match outcome {
            Ok(Ok(summary)) => (ImportStatus::Done, Some(summary), None, Vec::new()),
            Ok(Err(errors)) => {
                let message = format!(
                    "{} {} found while importing; nothing was imported.",
                    errors.len(),
                    if errors.len() == 1 {
                        "problem"
                    } else {
                        "problems"
                    }
                );
                (ImportStatus::Failed, None, Some(message), errors)
            }
            Err(e) => {
                tracing::error!(import = id, "import failed: {e}");
                let message = "The import failed on our side; nothing was imported. Upload the \
                               file again to retry."
                    .to_string();
                (ImportStatus::Failed, None, Some(message), Vec::new())
            }
        };
        if let Err(e) = store::finish(&db, id, status, summary, message, &errors).await {
            tracing::error!(import = id, "could not record an import's outcome: {e}");
        }
        drop(reporter);
    });
    Ok(())
}

/// Imports the whole file in one transaction: a summary, or the lines that stopped it.
async fn execute(
    db: &Db,
    kind: ImportKind,
    content: &str,
    actor: &Actor,
    progress: &progress::Reporter,
) -> Result<Result<String, Vec<LineError>>, AppError> {
    let tz = crate::org::clock::time_zone(db).await?;
    let mut checked = match check::read(kind, content.as_bytes(), now_ms(), tz) {
        Ok(c) => c,
        Err(message) => return Err(AppError::Request(message)),
    };
    if !checked.errors.is_empty() {
        return Ok(Err(checked.errors));
    }
    let report = |done: usize, phase: &str| progress.set(done, phase, false);
    let mut tx = crate::db::begin_write(db).await?;
    let outcome = match &checked.items {
        Items::Orders(items) => crate::loyalty::orders::apply(&mut tx, items, actor, &report)
            .await?
            .map(|results| {
                let stored = results.iter().filter(|r| r.status == "stored").count();
                format!(
                    "{stored} orders stored, {} already there.",
                    results.len() - stored
                )
            }),
        Items::Customers(items) => crate::customers::bulk::apply(&mut tx, items, actor, &report)
            .await?
            .map(|results| {
                let count = |s: &str| results.iter().filter(|r| r.status == s).count();
                format!(
                    "{} customers created, {} updated, {} unchanged.",
                    count("created"),
                    count("updated"),
                    count("unchanged")
                )
            }),
    };
    match outcome {
        Ok(summary) => {
            progress.set(checked.rows, "Saving", true);
            tx.commit().await?;
            Ok(Ok(summary))
        }
        Err(problems) => {
            tx.rollback().await?;
            checked.errors.clear();
            checked.add_item_errors(problems);
            Ok(Err(checked.errors))
        }
    }
}

/// Marks imports cut off by a restart as failed (nothing of them was stored).
pub async fn sweep_abandoned(db: &Db, now: i64) -> Result<u64, AppError> {
    let done = sqlx::query(
        "UPDATE imports SET status = 'failed', content = '', finished_at = $1,
                message = 'The import was interrupted by a restart; nothing was imported. Upload the file again.'
         WHERE status = 'running' AND started_at < $2",
    )
    .bind(now)
    .bind(now - ABANDONED_AFTER_MS)
    .execute(db)
    .await?
    .rows_affected();
    Ok(done)
}
