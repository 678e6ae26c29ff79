//! The week's story figures, computed here and nowhere else.
use super::StoryFigures;
use crate::db::Db;
use crate::error::AppError;
use crate::org::scope::StaffScope;
use chrono::NaiveDate;
use chrono_tz::Tz;

/// Figures for the ISO week starting `monday`, for the stories of the associates in `scope`.
/// Stories count for the day they happened; kudos and spotlights for the moment they were given,
/// in the organisation's time zone.
pub async fn for_week(
    db: &Db,
    tz: Tz,
    monday: NaiveDate,
    scope: StaffScope,
) -> Result<StoryFigures, AppError> {
    let from = monday.to_string();
    let to = (monday + chrono::Duration::days(7)).to_string();
    let (start, end) = crate::org::clock::week_range(tz, monday);
    let (team, associate) = scope.binds();
    let in_scope = StaffScope::clause("s.associate_id", 3, 4);
    let days = |sql: String| {
        let (from, to) = (from.clone(), to.clone());
        async move {
            sqlx::query_scalar::<_, i64>(&sql)
                .bind(from)
                .bind(to)
                .bind(team)
                .bind(associate)
                .fetch_one(db)
                .await
        }
    };
    let moments = |sql: String| async move {
        sqlx::query_scalar::<_, i64>(&sql)
            .bind(start)
            .bind(end)
            .bind(team)
            .bind(associate)
            .fetch_one(db)
            .await
    };
    Ok(StoryFigures {
        week: super::cadence::week_label(monday),
        stories: days(format!(
            "SELECT COUNT(*) FROM stories s WHERE s.occurred_on >= $1 AND s.occurred_on < $2 AND {in_scope}"
        ))
        .await?,
        associates_with_story: days(format!(
            "SELECT COUNT(DISTINCT s.associate_id) FROM stories s
             JOIN staff_users u ON u.id = s.associate_id AND u.role = 'associate' AND u.active = 1
             WHERE s.occurred_on >= $1 AND s.occurred_on < $2 AND {in_scope}"
        ))
        .await?,
        active_associates: sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM staff_users WHERE role = 'associate' AND active = 1 AND {}",
            StaffScope::clause("id", 1, 2)
        ))
        .bind(team)
        .bind(associate)
        .fetch_one(db)
        .await?,
        kudos: moments(format!(
            "SELECT COUNT(*) FROM story_kudos k JOIN stories s ON s.id = k.story_id
             WHERE k.created_at >= $1 AND k.created_at < $2 AND {in_scope}"
        ))
        .await?,
        spotlighted: moments(format!(
            "SELECT COUNT(*) FROM stories s WHERE s.spotlighted_at >= $1 AND s.spotlighted_at < $2 AND {in_scope}"
        ))
        .await?,
        turned_around: days(format!(
            "SELECT COUNT(*) FROM stories s WHERE s.kind = 'turned_around' AND s.occurred_on >= $1
             AND s.occurred_on < $2 AND {in_scope}"
        ))
        .await?,
    })
}
