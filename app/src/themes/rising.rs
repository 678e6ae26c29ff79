//! Rising themes as the dashboard and the weekly report show them, kept for an hour: reading
//! five weeks of texts on every dashboard view would make the busiest page pay for a figure that
//! moves slowly. Any change to themes (rename, merge, split, vocabulary) forgets what was kept.
use super::{report, ThemeList};
use crate::db::Db;
use crate::error::AppError;
use crate::org::scope::StaffScope;
use serde::{Deserialize, Serialize};

/// How long a reading of rising themes is kept.
pub const KEPT_MS: i64 = 3_600_000;
const PREFIX: &str = "themes.rising:";

#[derive(Serialize, Deserialize)]
struct Kept {
    at: i64,
    list: ThemeList,
}

/// The rising themes of `from`..`to` within `scope`, as read within the last hour.
pub async fn rising(
    db: &Db,
    (from, to): (&str, &str),
    scope: StaffScope,
    now: i64,
) -> Result<ThemeList, AppError> {
    let team = match scope {
        StaffScope::Team(t) => t.to_string(),
        _ => String::new(),
    };
    let key = format!("{PREFIX}{}:{}:{team}", from.trim(), to.trim());
    if let Some(stored) = crate::org_settings::get(db, &key).await? {
        // A reading in an older shape is simply read again.
        if let Ok(kept) = serde_json::from_str::<Kept>(&stored) {
            if kept.at <= now && now - kept.at < KEPT_MS {
                return Ok(kept.list);
            }
        }
    }
    let mut list = report::list(db, (from, to), scope, now).await?;
    list.themes.retain(|t| t.rising);
    // The cards need names and numbers, not every text's id.
    for t in &mut list.themes {
        t.comment_ids.clear();
        t.follow_up_ids.clear();
        t.incident_ids.clear();
    }
    let kept = serde_json::to_string(&Kept {
        at: now,
        list: list.clone(),
    })
    .map_err(|e| AppError::internal("rising themes", e))?;
    crate::org_settings::put(db, &key, &kept).await?;
    Ok(list)
}

/// Forgets every kept reading, inside the transaction of a change to themes.
pub async fn forget(tx: &mut crate::db::Tx) -> Result<(), AppError> {
    sqlx::query("DELETE FROM org_settings WHERE key LIKE 'themes.rising:%'")
        .execute(&mut **tx)
        .await?;
    Ok(())
}
