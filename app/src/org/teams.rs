//! Teams and who is in them.
use super::{Member, Team};
use crate::accounts::Role;
use crate::audit::{Actor, Entry};
use crate::db::{now_ms, Db};
use crate::error::AppError;
use sqlx::Row;

pub async fn list(db: &Db) -> Result<Vec<Team>, AppError> {
    let rows = sqlx::query(
        "SELECT t.id, t.name,
                (SELECT COUNT(*) FROM staff_users s WHERE s.team_id = t.id AND s.active = 1) AS members
         FROM teams t ORDER BY LOWER(t.name)",
    )
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Team {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                members: r.try_get("members")?,
            })
        })
        .collect()
}

/// Active staff with their teams.
pub async fn members(db: &Db) -> Result<Vec<Member>, AppError> {
    let rows = sqlx::query(
        "SELECT id, name, role, team_id FROM staff_users WHERE active = 1 ORDER BY LOWER(name)",
    )
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            Ok(Member {
                id,
                name: r.try_get("name")?,
                role: Role::decode(&r.try_get::<String, _>("role")?, "staff_users", id)?,
                team_id: r.try_get("team_id")?,
            })
        })
        .collect()
}

/// Every team's id and name, in name order.
pub async fn names(db: &Db) -> Result<Vec<(i64, String)>, AppError> {
    Ok(
        sqlx::query_as("SELECT id, name FROM teams ORDER BY LOWER(name)")
            .fetch_all(db)
            .await?,
    )
}

/// Active staff (of one team, or everyone) by id and name, in name order.
pub async fn people(db: &Db, team: Option<i64>) -> Result<Vec<(i64, String)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, name FROM staff_users WHERE active = 1 AND ($1 = 0 OR team_id = $1)
         ORDER BY LOWER(name)",
    )
    .bind(team.unwrap_or(0))
    .fetch_all(db)
    .await?)
}

/// How many active staff the organisation has.
pub async fn active_count(db: &Db) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM staff_users WHERE active = 1")
            .fetch_one(db)
            .await?,
    )
}

/// A staff member's team, if they are in one (None too when there is no such person).
pub async fn team_of(db: &Db, staff: i64) -> Result<Option<i64>, AppError> {
    Ok(
        sqlx::query_scalar::<_, Option<i64>>("SELECT team_id FROM staff_users WHERE id = $1")
            .bind(staff)
            .fetch_optional(db)
            .await?
            .flatten(),
    )
}

pub async fn create(db: &Db, name: &str, actor: &Actor) -> Result<i64, AppError> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::field(
            "name",
            "Enter a team name of up to 60 characters.",
        ));
    }
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM teams WHERE LOWER(name) = $1")
        .bind(name.to_lowercase())
        .fetch_one(db)
        .await?;
    if taken > 0 {
        return Err(AppError::field("name", "A team with this name exists."));
    }
    let mut tx = crate::db::begin_write(db).await?;
    let id: i64 =
        sqlx::query_scalar("INSERT INTO teams (name, created_at) VALUES ($1, $2) RETURNING id")
            .bind(&name)
            .bind(now_ms())
            .fetch_one(&mut *tx)
            .await?;
    Entry::new(actor, "team.create", "team")
        .id(id)
        .after(&name)
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Puts a staff member in a team, or in none.
pub async fn assign(
    db: &Db,
    staff_id: i64,
    team_id: Option<i64>,
    actor: &Actor,
) -> Result<(), AppError> {
    if let Some(team) = team_id {
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM teams WHERE id = $1")
            .bind(team)
            .fetch_one(db)
            .await?;
        if exists == 0 {
            return Err(AppError::field("team", "That team does not exist."));
        }
    }
    let mut tx = crate::db::begin_write(db).await?;
    let changed = sqlx::query("UPDATE staff_users SET team_id = $1, updated_at = $2 WHERE id = $3")
        .bind(team_id)
        .bind(now_ms())
        .bind(staff_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(AppError::NotFound("That staff account".into()));
    }
    Entry::new(actor, "staff.team", "staff_user")
        .id(staff_id)
        .after(&team_id)
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
