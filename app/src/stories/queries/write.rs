//! Writing stories: a story with its colleagues and tags in one transaction (a new one also
//! discards its author's draft), and who may change one.
use super::people::Resolved;
use crate::audit::{Actor, Entry};
use crate::db::sql::Row;
use crate::db::{now_ms, Db, Sql, Tx};
use crate::error::AppError;
use crate::stories::fields::StoryIn;
use sqlx::Row as _;

/// Binds the columns a story's form sets, in the order `INSERT` and `UPDATE` below name them.
fn form_columns(row: &mut Row<'_>, s: &StoryIn, r: &Resolved) {
    row.bind(r.associate_id)
        .bind(r.customer_id)
        .bind(s.incident_id)
        .bind(s.occurred_on.to_string())
        .bind(&s.title)
        .bind(&s.situation)
        .bind(&s.action_taken)
        .bind(&s.result)
        .bind(&s.lesson)
        .bind(s.kind.as_str())
        .bind(s.cost.minor)
        .bind(&s.cost.currency)
        .bind(&s.internal_notes)
        .bind(s.shareable);
}

/// Replaces a story's colleagues and tags.
async fn write_parts(tx: &mut Tx, id: i64, s: &StoryIn, r: &Resolved) -> Result<(), AppError> {
    sqlx::query("DELETE FROM story_colleagues WHERE story_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM story_tags WHERE story_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for c in &r.colleague_ids {
        sqlx::query("INSERT INTO story_colleagues (story_id, staff_id) VALUES ($1, $2)")
            .bind(id)
            .bind(c)
            .execute(&mut **tx)
            .await?;
    }
    for t in &s.tags {
        sqlx::query("INSERT INTO story_tags (story_id, tag) VALUES ($1, $2)")
            .bind(id)
            .bind(t)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Saves a new story and discards its author's draft in the same transaction.
pub async fn create(
    db: &Db,
    s: &StoryIn,
    r: &Resolved,
    author: i64,
    actor: &Actor,
) -> Result<i64, AppError> {
    let now = now_ms();
    let mut insert = Sql::new(
        "INSERT INTO stories (associate_id, customer_id, incident_id, occurred_on, title, situation,
            action_taken, result, lesson, kind, cost_minor, currency, internal_notes, shareable,
            created_by, created_at, updated_at)
         VALUES ",
    );
    insert.rows([()], |row, ()| {
        form_columns(row, s, r);
        row.bind(author).bind(now).bind(now);
    });
    insert.push(" RETURNING id");
    let mut tx = crate::db::begin_write(db).await?;
    let id: i64 = insert.query_scalar().fetch_one(&mut *tx).await?;
    write_parts(&mut tx, id, s, r).await?;
    sqlx::query("DELETE FROM story_drafts WHERE staff_id = $1")
        .bind(author)
        .execute(&mut *tx)
        .await?;
    Entry::new(actor, "story.create", "story")
        .id(id)
        .after(&s.title)
        .write(&mut *tx)
        .await?;
    let logged = crate::webhooks::payloads::StoryLoggedData {
        story_id: id,
        associate_id: r.associate_id,
        customer_id: r.customer_id,
        incident_id: s.incident_id,
        kind: s.kind.as_str().to_string(),
        title: s.title.clone(),
        occurred_on: s.occurred_on.to_string(),
    };
    crate::webhooks::events::record(&mut tx, crate::webhooks::EventType::StoryLogged, &logged)
        .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(
    db: &Db,
    id: i64,
    s: &StoryIn,
    r: &Resolved,
    actor: &Actor,
) -> Result<(), AppError> {
    let before = super::detail::draft_of(db, id).await?;
    let mut update = Sql::new(
        "UPDATE stories SET (associate_id, customer_id, incident_id, occurred_on, title, situation,
            action_taken, result, lesson, kind, cost_minor, currency, internal_notes, shareable,
            updated_at) = ",
    );
    update.rows([()], |row, ()| {
        form_columns(row, s, r);
        row.bind(now_ms());
    });
    update.push(" WHERE id = ").bind(id);
    let mut tx = crate::db::begin_write(db).await?;
    update.query().execute(&mut *tx).await?;
    write_parts(&mut tx, id, s, r).await?;
    Entry::new(actor, "story.update", "story")
        .id(id)
        .before(&before)
        .after(&s.title)
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Who may change a story: (associate, author).
pub async fn owners(db: &Db, id: i64) -> Result<(i64, i64), AppError> {
    let row = sqlx::query("SELECT associate_id, created_by FROM stories WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or_else(|| AppError::NotFound("That story".into()))?;
    Ok((row.try_get("associate_id")?, row.try_get("created_by")?))
}
