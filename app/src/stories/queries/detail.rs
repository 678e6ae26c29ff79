//! Reading one story: as the viewer may see it, and as form values for editing.
use super::may_edit;
use super::{kind_of, week_of};
use crate::accounts::StaffViewer;
use crate::common::money::Money;
use crate::db::Db;
use crate::error::AppError;
use crate::stories::fields::StoryDraft;
use crate::stories::{Comment, Person, Story};
use sqlx::any::AnyRow;
use sqlx::Row;

const DETAIL: &str = "SELECT s.id, s.title, s.kind, s.occurred_on, s.associate_id, a.name AS associate_name,
        s.customer_id, c.name AS customer_name, c.external_ref AS customer_ref, c.email AS customer_email,
        s.incident_id, s.situation, s.action_taken, s.result, s.lesson, s.cost_minor, s.currency,
        s.internal_notes, s.shareable, s.spotlighted_at, s.created_by, cb.name AS created_by_name,
        s.created_at, s.updated_at
     FROM stories s
     JOIN staff_users a ON a.id = s.associate_id
     JOIN staff_users cb ON cb.id = s.created_by
     LEFT JOIN customers c ON c.id = s.customer_id
     WHERE s.id = $1";

async fn story_row(db: &Db, id: i64) -> Result<AnyRow, AppError> {
    sqlx::query(DETAIL)
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or_else(|| AppError::NotFound("That story".into()))
}

/// The people a statement selects (`id`, `name`) for one story, bound as `$1`.
async fn named(db: &Db, sql: &'static str, id: i64) -> Result<Vec<Person>, AppError> {
    let rows = sqlx::query(sql).bind(id).fetch_all(db).await?;
    rows.iter()
        .map(|r| {
            Ok(Person {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
            })
        })
        .collect()
}

async fn colleagues(db: &Db, id: i64) -> Result<Vec<Person>, AppError> {
    named(
        db,
        "SELECT u.id, u.name FROM story_colleagues sc JOIN staff_users u ON u.id = sc.staff_id
         WHERE sc.story_id = $1 ORDER BY LOWER(u.name)",
        id,
    )
    .await
}

async fn tags_of(db: &Db, id: i64) -> Result<Vec<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT tag FROM story_tags WHERE story_id = $1 ORDER BY tag")
            .bind(id)
            .fetch_all(db)
            .await?,
    )
}

async fn comments(db: &Db, id: i64) -> Result<Vec<Comment>, AppError> {
    let rows = sqlx::query(
        "SELECT m.id, u.name, m.body, m.created_at FROM story_comments m
         JOIN staff_users u ON u.id = m.staff_id WHERE m.story_id = $1 ORDER BY m.created_at, m.id",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|c| {
            Ok(Comment {
                id: c.try_get("id")?,
                author: c.try_get("name")?,
                body: c.try_get("body")?,
                created_at: c.try_get("created_at")?,
            })
        })
        .collect()
}

/// One story as the viewer may see it.
pub async fn story(db: &Db, id: i64, viewer: &StaffViewer) -> Result<Story, AppError> {
    let r = story_row(db, id).await?;
    let associate_id: i64 = r.try_get("associate_id")?;
    let created_by: i64 = r.try_get("created_by")?;
    let colleagues = colleagues(db, id).await?;
    let kudos = named(
        db,
        "SELECT u.id, u.name FROM story_kudos k JOIN staff_users u ON u.id = k.staff_id
         WHERE k.story_id = $1 ORDER BY k.created_at",
        id,
    )
    .await?;
    let comments = comments(db, id).await?;
    let occurred_on: String = r.try_get("occurred_on")?;
    let in_story = associate_id == viewer.id || colleagues.iter().any(|c| c.id == viewer.id);
    Ok(Story {
        id,
        title: r.try_get("title")?,
        kind: kind_of(&r)?,
        week: week_of(&occurred_on),
        occurred_on,
        associate: Person {
            id: associate_id,
            name: r.try_get("associate_name")?,
        },
        customer_id: r.try_get("customer_id")?,
        customer_name: r.try_get("customer_name")?,
        incident_id: r.try_get("incident_id")?,
        situation: r.try_get("situation")?,
        action_taken: r.try_get("action_taken")?,
        result: r.try_get("result")?,
        lesson: r.try_get("lesson")?,
        cost: Money {
            minor: r.try_get("cost_minor")?,
            currency: r.try_get("currency")?,
        },
        tags: tags_of(db, id).await?,
        internal_notes: r.try_get("internal_notes")?,
        shareable: r.try_get::<i64, _>("shareable")? == 1,
        spotlighted_at: r.try_get("spotlighted_at")?,
        gave_kudos: kudos.iter().any(|k| k.id == viewer.id),
        can_give_kudos: !in_story,
        kudos,
        comments,
        created_by: r.try_get("created_by_name")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        can_edit: may_edit(viewer, (associate_id, created_by)),
        can_spotlight: viewer.role.at_least(crate::accounts::Role::Manager),
        colleagues,
    })
}

/// A stored story as form values, for editing.
pub async fn draft_of(db: &Db, id: i64) -> Result<StoryDraft, AppError> {
    let r = story_row(db, id).await?;
    let colleagues = colleagues(db, id).await?;
    let customer_id: Option<i64> = r.try_get("customer_id")?;
    let customer_ref: Option<String> = r.try_get("customer_ref")?;
    let customer_email: Option<String> = r.try_get("customer_email")?;
    let cost = Money {
        minor: r.try_get("cost_minor")?,
        currency: r.try_get("currency")?,
    };
    Ok(StoryDraft {
        associate: r.try_get::<i64, _>("associate_id")?.to_string(),
        colleagues: colleagues
            .into_iter()
            .map(|c| c.name)
            .collect::<Vec<_>>()
            .join(", "),
        customer: customer_ref
            .or(customer_email)
            .or(customer_id.map(|c| c.to_string()))
            .unwrap_or_default(),
        occurred_on: r.try_get("occurred_on")?,
        title: r.try_get("title")?,
        situation: r.try_get("situation")?,
        action_taken: r.try_get("action_taken")?,
        result: r.try_get("result")?,
        lesson: r.try_get("lesson")?,
        kind: kind_of(&r)?.as_str().into(),
        incident: r
            .try_get::<Option<i64>, _>("incident_id")?
            .map(|i| i.to_string())
            .unwrap_or_default(),
        cost: if cost.minor > 0 {
            cost.amount()
        } else {
            String::new()
        },
        currency: cost.currency,
        tags: tags_of(db, id).await?.join(", "),
        internal_notes: r.try_get("internal_notes")?,
        shareable: r.try_get::<i64, _>("shareable")? == 1,
    })
}
