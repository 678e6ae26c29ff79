//! The days of stories the weekly cadence counts, for one person or every associate.
use crate::common::moment::parse_day;
use crate::db::Db;
use crate::error::AppError;
use crate::stories::Person;
use chrono::NaiveDate;
use sqlx::Row;

/// The days of one person's stories since a day.
pub async fn story_days(
    db: &Db,
    associate_id: i64,
    since: NaiveDate,
) -> Result<Vec<NaiveDate>, AppError> {
    let days: Vec<String> = sqlx::query_scalar(
        "SELECT occurred_on FROM stories WHERE associate_id = $1 AND occurred_on >= $2",
    )
    .bind(associate_id)
    .bind(since.to_string())
    .fetch_all(db)
    .await?;
    Ok(days.iter().filter_map(|d| parse_day(d)).collect())
}

/// Every active associate with their team and the days of their stories since a day.
pub async fn associates_with_days(
    db: &Db,
    since: NaiveDate,
) -> Result<Vec<(Person, Option<String>, Vec<NaiveDate>)>, AppError> {
    let rows = sqlx::query(
        "SELECT u.id, u.name, t.name AS team FROM staff_users u LEFT JOIN teams t ON t.id = u.team_id
         WHERE u.active = 1 AND u.role = 'associate' ORDER BY LOWER(u.name)",
    )
    .fetch_all(db)
    .await?;
    let days = sqlx::query(
        "SELECT s.associate_id, s.occurred_on FROM stories s WHERE s.occurred_on >= $1",
    )
    .bind(since.to_string())
    .fetch_all(db)
    .await?;
    let mut by_person: std::collections::HashMap<i64, Vec<NaiveDate>> = Default::default();
    for d in days {
        let day: String = d.try_get("occurred_on")?;
        if let Some(day) = parse_day(&day) {
            by_person
                .entry(d.try_get("associate_id")?)
                .or_default()
                .push(day);
        }
    }
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            Ok((
                Person {
                    id,
                    name: r.try_get("name")?,
                },
                r.try_get("team")?,
                by_person.remove(&id).unwrap_or_default(),
            ))
        })
        .collect()
}
