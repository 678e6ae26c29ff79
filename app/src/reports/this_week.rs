//! The organisation's feedback and story figures of one week as the dashboard shows them, read
//! from the weekly aggregates (brought up to date first) rather than from the week's raw rows,
//! which grow with the organisation: the same figures the weekly report gives for the week.
use super::aggregates::{read, refresh};
use crate::db::Db;
use crate::error::AppError;
use crate::feedback::figures::{Counts, FeedbackFigures};
use crate::org::scope::StaffScope;
use crate::stories::StoryFigures;
use chrono::NaiveDate;
use chrono_tz::Tz;

/// The week starting `monday` for the whole organisation; follow-ups overdue are counted at
/// `now`, as the week is under way.
pub async fn organisation_week(
    db: &Db,
    tz: Tz,
    monday: NaiveDate,
    now: i64,
) -> Result<(FeedbackFigures, StoryFigures), AppError> {
    refresh::refresh_in_zone(db, tz, &[monday], now).await?;
    let mut conn = db.acquire().await?;
    let scope = StaffScope::Organisation;
    let counts = read::counts(&mut conn, scope, (monday, monday))
        .await?
        .remove(&monday)
        .unwrap_or_default();
    let get = |k: &str| counts.get(k).copied().unwrap_or(0);
    let mut feedback = Counts::from_entries(get);
    // Nothing closes in the future, so what is overdue now is what is open and due: one range
    // of the open queue's index.
    feedback.overdue = sqlx::query_scalar(
        "SELECT COUNT(*) FROM follow_ups WHERE status = 'open' AND due_at <= $1",
    )
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    let (active, with_story) = read::associates_with_story(&mut conn, scope, monday).await?;
    let stories = StoryFigures {
        week: crate::common::moment::week_label(monday),
        stories: get("stories"),
        associates_with_story: with_story,
        active_associates: active,
        kudos: get("kudos"),
        spotlighted: get("spotlighted"),
        turned_around: get("turned_around"),
    };
    Ok((FeedbackFigures::from_counts(&feedback), stories))
}
