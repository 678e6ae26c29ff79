//! Reminders for follow-ups: the assignee hears when one is due today and when it is overdue,
//! once each, however many passes or instances check.
use crate::audit::Actor;
use crate::db::Db;
use crate::error::AppError;
use crate::notifications::{notify_at, Kind, Note};

/// One pass at `now_ms`: notifies the assignee of every open follow-up due later today (in the
/// organisation's time zone) and of every one overdue, each once per due time. Returns how many
/// notifications were written.
pub async fn notify_due(db: &Db, now_ms: i64) -> Result<usize, AppError> {
    let tz = crate::org::clock::time_zone(db).await?;
    let end_of_today = crate::org::clock::end_of_day(tz, now_ms);
    let due: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "SELECT u.id, u.assignee_id, u.due_at, c.name FROM follow_ups u
         JOIN customers c ON c.id = u.customer_id
         WHERE u.status = 'open' AND u.assignee_id IS NOT NULL AND u.due_at < $1
         ORDER BY u.due_at",
    )
    .bind(end_of_today)
    .fetch_all(db)
    .await?;
    let queue = Actor::system("Follow-up reminders");
    let mut written = 0;
    let mut tx = crate::db::begin_write(db).await?;
    for (id, assignee, due_at, customer) in due {
        let (kind, title, step) = if due_at <= now_ms {
            (
                Kind::FollowUpOverdue,
                format!("Follow-up #{id} with {customer} is overdue"),
                "overdue",
            )
        } else {
            (
                Kind::FollowUpDue,
                format!("Follow-up #{id} with {customer} is due today"),
                "due",
            )
        };
        let key = format!("follow_up:{id}:{step}:{due_at}");
        let note = Note {
            kind,
            title: &title,
            link: &format!("/follow-ups/{id}"),
            dedupe_key: Some(&key),
            detail: None,
        };
        if notify_at(&mut tx, &queue, assignee, &note, now_ms).await? {
            written += 1;
        }
    }
    tx.commit().await?;
    Ok(written)
}
