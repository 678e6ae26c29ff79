//! Reminders for follow-ups: the assignee hears when one is due today and when it is overdue,
//! once each, however many passes or instances check.
use crate::audit::Actor;
use crate::db::Db;
use crate::error::AppError;
use crate::notifications::{notify_at, Kind, Note};

/// An open follow-up whose assignee has not yet been told of its step (due today or overdue).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Owed {
    pub id: i64,
    pub assignee_id: i64,
    pub due_at: i64,
    pub customer: String,
    /// The notification's dedupe key: the follow-up, its step and its due time.
    pub dedupe_key: String,
}

/// The open follow-ups due before the end of today (in the organisation's time zone) at
/// `now_ms` whose assignee has no reminder of their step yet. Those already reminded are left
/// out in the query (and only those left are joined to their customer's name): at a million customers tens of thousands are overdue, and checking each
/// against its notification every minute held a write for seconds.
pub async fn owed(db: &Db, now_ms: i64) -> Result<Vec<Owed>, AppError> {
    let tz = crate::org::clock::time_zone(db).await?;
    let end_of_today = crate::org::clock::end_of_day(tz, now_ms);
    let owed = sqlx::query_as(
        "SELECT id, assignee_id, due_at, dedupe_key,
             (SELECT name FROM customers c WHERE c.id = d.customer_id) AS customer
         FROM (
             SELECT u.id, u.assignee_id, u.due_at, u.customer_id,
                 CASE WHEN u.due_at <= $2 THEN $3 ELSE $4 END AS kind,
                 'follow_up:' || CAST(u.id AS TEXT)
                     || CASE WHEN u.due_at <= $2 THEN ':overdue:' ELSE ':due:' END
                     || CAST(u.due_at AS TEXT) AS dedupe_key
             FROM follow_ups u
             WHERE u.status = 'open' AND u.assignee_id IS NOT NULL AND u.due_at < $1
         ) d
         WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.recipient_id = d.assignee_id
             AND n.kind = d.kind AND n.dedupe_key = d.dedupe_key)
         ORDER BY due_at, id",
    )
    .bind(end_of_today)
    .bind(now_ms)
    .bind(Kind::FollowUpOverdue.as_str())
    .bind(Kind::FollowUpDue.as_str())
    .fetch_all(db)
    .await?;
    Ok(owed)
}

/// One pass at `now_ms`: notifies the assignee of every open follow-up due later today (in the
/// organisation's time zone) and of every one overdue, each once per due time. Returns how many
/// notifications were written.
pub async fn notify_due(db: &Db, now_ms: i64) -> Result<usize, AppError> {
    let due = owed(db, now_ms).await?;
    let queue = Actor::system("Follow-up reminders");
    let mut written = 0;
    let mut tx = crate::db::begin_write(db).await?;
    for Owed {
        id,
        assignee_id,
        due_at,
        customer,
        dedupe_key,
    } in due
    {
        let (kind, title) = if due_at <= now_ms {
            (
                Kind::FollowUpOverdue,
                format!("Follow-up #{id} with {customer} is overdue"),
            )
        } else {
            (
                Kind::FollowUpDue,
                format!("Follow-up #{id} with {customer} is due today"),
            )
        };
        let note = Note {
            kind,
            title: &title,
            link: &format!("/follow-ups/{id}"),
            dedupe_key: Some(&dedupe_key),
            detail: None,
        };
        if notify_at(&mut tx, &queue, assignee_id, &note, now_ms).await? {
            written += 1;
        }
    }
    tx.commit().await?;
    Ok(written)
}
