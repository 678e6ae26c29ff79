//! What someone has typed into the story form so far, kept until the story is saved.
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::stories::fields::StoryDraft;
use sqlx::Row;

/// Keeps `staff_id`'s draft in place of any earlier one; returns when.
pub async fn save(db: &Db, staff_id: i64, draft: &StoryDraft) -> Result<i64, AppError> {
    let body = serde_json::to_string(draft).map_err(|e| AppError::internal("draft", e))?;
    if body.len() > 64 * 1024 {
        return Err(AppError::field("draft", "The draft is too long to keep."));
    }
    let now = now_ms();
    sqlx::query(
        "INSERT INTO story_drafts (staff_id, body, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (staff_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(staff_id)
    .bind(body)
    .bind(now)
    .execute(db)
    .await?;
    Ok(now)
}

/// `staff_id`'s draft and when it was kept, if there is one that still reads.
pub async fn load(db: &Db, staff_id: i64) -> Result<Option<(StoryDraft, i64)>, AppError> {
    let row = sqlx::query("SELECT body, updated_at FROM story_drafts WHERE staff_id = $1")
        .bind(staff_id)
        .fetch_optional(db)
        .await?;
    Ok(match row {
        None => None,
        Some(r) => {
            let body: String = r.try_get("body")?;
            serde_json::from_str(&body)
                .ok()
                .map(|d| Ok::<_, AppError>((d, r.try_get("updated_at")?)))
                .transpose()?
        }
    })
}

pub async fn discard(db: &Db, staff_id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM story_drafts WHERE staff_id = $1")
        .bind(staff_id)
        .execute(db)
        .await?;
    Ok(())
}
