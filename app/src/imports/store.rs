//! The `imports` table: a checked file waiting for confirmation, then its outcome.
use super::check::Checked;
use super::{ImportKind, ImportRow, ImportStatus, ImportView, LineError, MAX_KEPT_ERRORS};
use crate::common::labels::stored;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use sqlx::any::AnyRow;
use sqlx::Row;

/// Errors shown on the page; the CSV report has the rest.
const SHOWN_ERRORS: usize = 100;

/// What an upload turned out to be.
pub enum Upload<'a> {
    /// The file as a whole cannot be read.
    Unreadable(String),
    Read {
        content: &'a str,
        checked: &'a Checked,
    },
}

pub async fn create(
    db: &Db,
    kind: ImportKind,
    file_name: &str,
    upload: Upload<'_>,
    staff_id: i64,
) -> Result<i64, AppError> {
    let (status, content, rows, header, preview, errors, count, message) = match upload {
        Upload::Unreadable(message) => (
            ImportStatus::Refused,
            "",
            0,
            Vec::new(),
            Vec::new(),
            &[][..],
            0,
            Some(message),
        ),
        Upload::Read { content, checked } => {
            let ok = checked.errors.is_empty();
            (
                if ok {
                    ImportStatus::Ready
                } else {
                    ImportStatus::Refused
                },
                if ok { content } else { "" },
                checked.rows as i64,
                checked.header.clone(),
                checked.preview.clone(),
                &checked.errors[..checked.errors.len().min(MAX_KEPT_ERRORS)],
                checked.errors.len() as i64,
                (!ok).then(|| refusal(checked.errors.len(), checked.rows)),
            )
        }
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO imports (kind, file_name, status, content, rows_total, header_json, preview_json,
                              errors_json, error_count, message, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(kind.as_str())
    .bind(file_name)
    .bind(status.as_str())
    .bind(content)
    .bind(rows)
    .bind(json(&header))
    .bind(json(&preview))
    .bind(json(&errors))
    .bind(count)
    .bind(message)
    .bind(staff_id)
    .bind(now_ms())
    .fetch_one(db)
    .await?;
    Ok(id)
}

fn refusal(errors: usize, rows: usize) -> String {
    let lines = if errors == 1 { "problem" } else { "problems" };
    format!(
        "{errors} {lines} in {rows} rows. Nothing will be imported until the file is corrected \
         and uploaded again."
    )
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".into())
}

/// The import with every error kept.
async fn load(db: &Db, id: i64) -> Result<ImportView, AppError> {
    let row = sqlx::query(
        "SELECT i.id, i.kind, i.file_name, i.status, i.rows_total, i.header_json, i.preview_json,
                i.errors_json, i.error_count, i.message, i.summary, s.name AS created_by, i.created_at,
                i.finished_at
         FROM imports i JOIN staff_users s ON s.id = i.created_by WHERE i.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::NotFound("This import".into()))?;
    to_view(&row)
}

/// The kind stored in import `id`.
fn kind(value: &str, id: i64) -> Result<ImportKind, AppError> {
    stored(
        ImportKind::parse(value).ok(),
        "kind of import",
        value,
        "imports",
        id,
    )
}

/// The status stored in import `id`.
fn status(value: &str, id: i64) -> Result<ImportStatus, AppError> {
    stored(
        ImportStatus::parse(value),
        "import status",
        value,
        "imports",
        id,
    )
}

pub async fn view(db: &Db, id: i64) -> Result<ImportView, AppError> {
    let mut view = load(db, id).await?;
    view.errors.truncate(SHOWN_ERRORS);
    if view.status == ImportStatus::Running {
        let shared: (i64, Option<String>) =
            sqlx::query_as("SELECT progress_done, progress_phase FROM imports WHERE id = $1")
                .bind(id)
                .fetch_one(db)
                .await?;
        if let (done, Some(phase)) = shared {
            view.done = done;
            view.phase = Some(phase);
        }
        if let Some((done, phase)) = super::progress::local(id) {
            view.done = done as i64;
            view.phase = Some(phase);
        }
    }
    Ok(view)
}

/// Every kept error, for the CSV report.
pub async fn errors(db: &Db, id: i64) -> Result<(ImportView, Vec<LineError>), AppError> {
    let mut view = load(db, id).await?;
    let all = std::mem::take(&mut view.errors);
    Ok((view, all))
}

/// A JSON column of import `id`; text that does not read as a `T` is an error.
fn json_column<T: serde::de::DeserializeOwned>(
    row: &AnyRow,
    column: &str,
    id: i64,
) -> Result<T, AppError> {
    let text: String = row.try_get(column)?;
    serde_json::from_str(&text).map_err(|e| {
        AppError::internal(
            "reading a stored import",
            format!("imports row {id}, {column}: {e}"),
        )
    })
}

fn to_view(row: &AnyRow) -> Result<ImportView, AppError> {
    let id: i64 = row.try_get("id")?;
    Ok(ImportView {
        id,
        kind: kind(&row.try_get::<String, _>("kind")?, id)?,
        file_name: row.try_get("file_name")?,
        status: status(&row.try_get::<String, _>("status")?, id)?,
        rows: row.try_get("rows_total")?,
        done: 0,
        phase: None,
        message: row.try_get("message")?,
        error_count: row.try_get("error_count")?,
        errors: json_column(row, "errors_json", id)?,
        header: json_column(row, "header_json", id)?,
        preview: json_column(row, "preview_json", id)?,
        summary: row.try_get("summary")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        finished_at: row.try_get("finished_at")?,
    })
}

pub async fn recent(db: &Db, limit: i64) -> Result<Vec<ImportRow>, AppError> {
    let rows = sqlx::query(
        "SELECT i.id, i.kind, i.file_name, i.status, i.rows_total, s.name AS created_by, i.created_at
         FROM imports i JOIN staff_users s ON s.id = i.created_by ORDER BY i.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            Ok(ImportRow {
                id,
                kind: kind(&r.try_get::<String, _>("kind")?, id)?,
                file_name: r.try_get("file_name")?,
                status: status(&r.try_get::<String, _>("status")?, id)?,
                rows: r.try_get("rows_total")?,
                created_by: r.try_get("created_by")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// Marks a checked import as running and hands back its file; only one caller can win, so a
/// double click or a second instance cannot import twice.
pub async fn claim(db: &Db, id: i64) -> Result<(ImportKind, String), AppError> {
    let claimed = sqlx::query(
        "UPDATE imports SET status = 'running', started_at = $1 WHERE id = $2 AND status = 'ready'",
    )
    .bind(now_ms())
    .bind(id)
    .execute(db)
    .await?
    .rows_affected();
    if claimed == 0 {
        let view = view(db, id).await?;
        return Err(AppError::Conflict(match view.status {
            ImportStatus::Refused => {
                "This file has problems; correct them and upload it again.".into()
            }
            ImportStatus::Running => "This file is being imported already.".into(),
            _ => "This file was imported already.".into(),
        }));
    }
    let row: (String, String) = sqlx::query_as("SELECT kind, content FROM imports WHERE id = $1")
        .bind(id)
        .fetch_one(db)
        .await?;
    Ok((kind(&row.0, id)?, row.1))
}

/// Records the outcome and lets go of the file.
pub async fn finish(
    db: &Db,
    id: i64,
    status: ImportStatus,
    summary: Option<String>,
    message: Option<String>,
    errors: &[LineError],
) -> Result<(), AppError> {
    let kept = &errors[..errors.len().min(MAX_KEPT_ERRORS)];
    let mut tx = crate::db::begin_write(db).await?;
    sqlx::query(
        "UPDATE imports SET status = $1, summary = $2, message = $3, errors_json = $4, error_count = $5,
                content = '', finished_at = $6 WHERE id = $7",
    )
    .bind(status.as_str())
    .bind(&summary)
    .bind(&message)
    .bind(json(&kept))
    .bind(errors.len() as i64)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    // The person who started it hears how it ended, with the import.
    let (owner, file_name): (i64, String) =
        sqlx::query_as("SELECT created_by, file_name FROM imports WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    let outcome = match status {
        ImportStatus::Done => format!("finished: {}", summary.as_deref().unwrap_or("done")),
        _ => format!(
            "failed: {}",
            message.as_deref().unwrap_or("nothing was imported")
        ),
    };
    crate::notifications::notify(
        &mut tx,
        &crate::audit::Actor::system("Imports"),
        owner,
        crate::notifications::Kind::ImportFinished,
        &format!("Your import of {file_name} {outcome}"),
        &format!("/customers/import/{id}"),
        Some(&format!("import:{id}")),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
