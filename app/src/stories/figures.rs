//! The week's story figures, computed here and nowhere else.
use super::StoryFigures;
use crate::db::{Db, Sql};
use crate::error::AppError;
use chrono::NaiveDate;
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// The additive story counts for the ISO week starting `monday`, per associate: stories count
/// for the day they happened; kudos and spotlights for the moment they were given, in the
/// organisation's time zone.
pub async fn by_owner(
    conn: &mut sqlx::AnyConnection,
    tz: Tz,
    monday: NaiveDate,
) -> Result<Vec<(i64, &'static str, i64)>, AppError> {
    let from = monday.to_string();
    let to = (monday + chrono::Duration::days(7)).to_string();
    let (start, end) = crate::org::clock::week_range(tz, monday);
    let mut out = Vec::new();
    let days: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT associate_id, COUNT(*),
                CAST(COALESCE(SUM(CASE WHEN kind = 'turned_around' THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM stories WHERE occurred_on >= $1 AND occurred_on < $2 GROUP BY associate_id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    for (owner, stories, turned) in days {
        out.push((owner, "stories", stories));
        out.push((owner, "turned_around", turned));
    }
    for (figure, sql) in [
        (
            "kudos",
            "SELECT s.associate_id, COUNT(*) FROM story_kudos k JOIN stories s ON s.id = k.story_id
             WHERE k.created_at >= $1 AND k.created_at < $2 GROUP BY s.associate_id",
        ),
        (
            "spotlighted",
            "SELECT associate_id, COUNT(*) FROM stories
             WHERE spotlighted_at >= $1 AND spotlighted_at < $2 GROUP BY associate_id",
        ),
    ] {
        let rows: Vec<(i64, i64)> = sqlx::query_as(sql)
            .bind(start)
            .bind(end)
            .fetch_all(&mut *conn)
            .await?;
        out.extend(rows.into_iter().map(|(owner, n)| (owner, figure, n)));
    }
    Ok(out)
}

/// The figures from per-associate counts: associates with a story are the active associates
/// among those with at least one.
pub fn from_counts(
    week: String,
    counts: &BTreeMap<i64, BTreeMap<String, i64>>,
    active: &[i64],
) -> StoryFigures {
    let total = |k: &str| -> i64 { counts.values().filter_map(|c| c.get(k)).sum() };
    StoryFigures {
        week,
        stories: total("stories"),
        associates_with_story: active
            .iter()
            .filter(|a| {
                counts
                    .get(a)
                    .and_then(|c| c.get("stories"))
                    .is_some_and(|n| *n > 0)
            })
            .count() as i64,
        active_associates: active.len() as i64,
        kudos: total("kudos"),
        spotlighted: total("spotlighted"),
        turned_around: total("turned_around"),
    }
}

/// The active associates in scope.
pub async fn active_associates(
    conn: &mut sqlx::AnyConnection,
    scope: crate::org::scope::StaffScope,
) -> Result<Vec<i64>, AppError> {
    let mut q = Sql::new("SELECT id FROM staff_users WHERE role = 'associate' AND active = 1");
    scope.narrow(&mut q, "id");
    Ok(q.query_scalar().fetch_all(conn).await?)
}

/// The whole organisation's figures for the week starting `monday`.
pub async fn for_week(db: &Db, tz: Tz, monday: NaiveDate) -> Result<StoryFigures, AppError> {
    let mut conn = db.acquire().await?;
    let mut counts: BTreeMap<i64, BTreeMap<String, i64>> = BTreeMap::new();
    for (owner, figure, n) in by_owner(&mut conn, tz, monday).await? {
        *counts
            .entry(owner)
            .or_default()
            .entry(figure.into())
            .or_default() += n;
    }
    let active = active_associates(&mut conn, Default::default()).await?;
    Ok(from_counts(
        crate::common::moment::week_label(monday),
        &counts,
        &active,
    ))
}
