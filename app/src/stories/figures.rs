//! The week's story figures, computed here and nowhere else.
use super::StoryFigures;
use crate::db::Db;
use crate::error::AppError;
use chrono::NaiveDate;
use chrono_tz::Tz;

/// Figures for the ISO week starting `monday`. Stories count for the day they happened; kudos
/// and spotlights for the moment they were given, in the organisation's time zone.
pub async fn for_week(db: &Db, tz: Tz, monday: NaiveDate) -> Result<StoryFigures, AppError> {
    let from = monday.to_string();
    let to = (monday + chrono::Duration::days(7)).to_string();
    let (start, end) = crate::org::clock::week_range(tz, monday);
    let count = |sql: &'static str| {
        let (from, to) = (from.clone(), to.clone());
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .bind(from)
                .bind(to)
                .fetch_one(db)
                .await
        }
    };
    let moments = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .bind(start)
            .bind(end)
            .fetch_one(db)
            .await
    };
    Ok(StoryFigures {
        week: super::cadence::week_label(monday),
        stories: count("SELECT COUNT(*) FROM stories WHERE occurred_on >= $1 AND occurred_on < $2").await?,
        associates_with_story: count(
            "SELECT COUNT(DISTINCT s.associate_id) FROM stories s
             JOIN staff_users u ON u.id = s.associate_id AND u.role = 'associate' AND u.active = 1
             WHERE s.occurred_on >= $1 AND s.occurred_on < $2",
        )
        .await?,
        active_associates: sqlx::query_scalar(
            "SELECT COUNT(*) FROM staff_users WHERE role = 'associate' AND active = 1",
        )
        .fetch_one(db)
        .await?,
        kudos: moments("SELECT COUNT(*) FROM story_kudos WHERE created_at >= $1 AND created_at < $2").await?,
        spotlighted: moments(
            "SELECT COUNT(*) FROM stories WHERE spotlighted_at >= $1 AND spotlighted_at < $2",
        )
        .await?,
        turned_around: count(
            "SELECT COUNT(*) FROM stories WHERE kind = 'turned_around' AND occurred_on >= $1 AND occurred_on < $2",
        )
        .await?,
    })
}
