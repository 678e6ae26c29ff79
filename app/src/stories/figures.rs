//! The week's story figures, computed here and nowhere else.
use crate::error::AppError;
use chrono::NaiveDate;
use chrono_tz::Tz;

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
