//! Kudos (one per person per story, never for a story you are in), comments and the manager's
//! spotlight.
use super::{KudosReceived, StoryCard};
use crate::accounts::StaffViewer;
use crate::audit::{Actor, Entry};
use crate::db::{now_ms, Db, Tx};
use crate::error::AppError;
use crate::notifications::Kind;
use sqlx::Row;

/// Whether someone is the story's associate or one of its colleagues.
async fn in_story(db: &Db, story: i64, staff: i64) -> Result<bool, AppError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM stories WHERE id = $1 AND associate_id = $2)
              + (SELECT COUNT(*) FROM story_colleagues WHERE story_id = $1 AND staff_id = $2)",
    )
    .bind(story)
    .bind(staff)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

/// Gives kudos, or withdraws it when `give` is false.
pub async fn kudos(
    db: &Db,
    story: i64,
    viewer: &StaffViewer,
    give: bool,
    actor: &Actor,
) -> Result<(), AppError> {
    super::queries::write::owners(db, story).await?;
    if give && in_story(db, story, viewer.id).await? {
        return Err(AppError::Conflict(
            "Kudos are for colleagues: you cannot give them to a story you are in.".into(),
        ));
    }
    let mut tx = crate::db::begin_write(db).await?;
    let changed = if give {
        sqlx::query(
            "INSERT INTO story_kudos (story_id, staff_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (story_id, staff_id) DO NOTHING",
        )
        .bind(story)
        .bind(viewer.id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected()
    } else {
        sqlx::query("DELETE FROM story_kudos WHERE story_id = $1 AND staff_id = $2")
            .bind(story)
            .bind(viewer.id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
    };
    if changed == 0 {
        return Err(AppError::Conflict(if give {
            "You have already given kudos to this story.".into()
        } else {
            "You had not given kudos to this story.".into()
        }));
    }
    let action = if give {
        "story.kudos"
    } else {
        "story.kudos_withdrawn"
    };
    Entry::new(actor, action, "story")
        .id(story)
        .write(&mut *tx)
        .await?;
    if give {
        let key = format!("story:{story}:kudos:{}", viewer.id);
        let what = format!("{} gave kudos to your story", viewer.name);
        tell_author(&mut tx, story, actor, Kind::StoryKudos, &what, Some(&key)).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Tells the story's associate `what` happened to it ("… gave kudos to your story"), unless
/// they did it themselves.
async fn tell_author(
    tx: &mut Tx,
    story: i64,
    actor: &Actor,
    kind: Kind,
    what: &str,
    dedupe_key: Option<&str>,
) -> Result<(), AppError> {
    let (author, title): (i64, String) =
        sqlx::query_as("SELECT associate_id, title FROM stories WHERE id = $1")
            .bind(story)
            .fetch_one(&mut **tx)
            .await?;
    let title = format!("{what}: “{title}”");
    let link = format!("/stories/{story}");
    crate::notifications::notify(tx, actor, author, kind, &title, &link, dedupe_key).await?;
    Ok(())
}

pub async fn comment(
    db: &Db,
    story: i64,
    staff: i64,
    body: &str,
    actor: &Actor,
) -> Result<i64, AppError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::field("body", "Write a comment first."));
    }
    if body.chars().count() > 2000 {
        return Err(AppError::field(
            "body",
            "Keep comments to 2000 characters or fewer.",
        ));
    }
    super::queries::write::owners(db, story).await?;
    let mut tx = crate::db::begin_write(db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO story_comments (story_id, staff_id, body, created_at) VALUES ($1, $2, $3, $4)
         RETURNING id",
    )
    .bind(story)
    .bind(staff)
    .bind(body)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    Entry::new(actor, "story.comment", "story")
        .id(story)
        .write(&mut *tx)
        .await?;
    let who: String = sqlx::query_scalar("SELECT name FROM staff_users WHERE id = $1")
        .bind(staff)
        .fetch_one(&mut *tx)
        .await?;
    let what = format!("{who} commented on your story");
    tell_author(&mut tx, story, actor, Kind::StoryComment, &what, None).await?;
    tx.commit().await?;
    Ok(id)
}

/// Puts a story in the spotlight, or takes it out.
pub async fn spotlight(
    db: &Db,
    story: i64,
    manager: i64,
    on: bool,
    actor: &Actor,
) -> Result<(), AppError> {
    super::queries::write::owners(db, story).await?;
    let mut tx = crate::db::begin_write(db).await?;
    if on {
        sqlx::query(
            "UPDATE stories SET spotlighted_at = $1, spotlighted_by = $2
             WHERE id = $3 AND spotlighted_at IS NULL",
        )
        .bind(now_ms())
        .bind(manager)
        .bind(story)
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query(
            "UPDATE stories SET spotlighted_at = NULL, spotlighted_by = NULL WHERE id = $1",
        )
        .bind(story)
        .execute(&mut *tx)
        .await?;
    }
    let action = if on {
        "story.spotlight"
    } else {
        "story.spotlight_removed"
    };
    Entry::new(actor, action, "story")
        .id(story)
        .write(&mut *tx)
        .await?;
    if on {
        let key = format!("story:{story}:spotlight");
        let what = "Your story was spotlighted";
        tell_author(
            &mut tx,
            story,
            actor,
            Kind::StorySpotlight,
            what,
            Some(&key),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Kudos someone's stories received: the total and the latest few.
pub async fn received(db: &Db, staff: i64) -> Result<(i64, Vec<KudosReceived>), AppError> {
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM story_kudos k JOIN stories s ON s.id = k.story_id WHERE s.associate_id = $1",
    )
    .bind(staff)
    .fetch_one(db)
    .await?;
    let rows = sqlx::query(
        "SELECT s.id, s.title, u.name, k.created_at FROM story_kudos k
         JOIN stories s ON s.id = k.story_id JOIN staff_users u ON u.id = k.staff_id
         WHERE s.associate_id = $1 ORDER BY k.created_at DESC LIMIT 5",
    )
    .bind(staff)
    .fetch_all(db)
    .await?;
    let recent = rows
        .iter()
        .map(|r| {
            Ok(KudosReceived {
                story_id: r.try_get("id")?,
                story_title: r.try_get("title")?,
                from: r.try_get("name")?,
                at: r.try_get("created_at")?,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok((total, recent))
}

/// The latest spotlighted stories, for the dashboard.
pub async fn spotlights(db: &Db, limit: i64) -> Result<Vec<StoryCard>, AppError> {
    let filter = super::queries::library::StoryFilter {
        spotlighted: true,
        page: 1,
        ..Default::default()
    };
    let (mut items, _) = super::queries::library::list(db, &filter).await?;
    items.truncate(limit as usize);
    Ok(items)
}
