//! The notification centre's reads and writes, always for one person: their notifications
//! newest first, the unread count, marking read, and their preferences. Another person's
//! notification is not found, never shown or changed.
use super::{Delivery, Kind, NotificationItem, NotificationPage, Preferences, PER_PAGE};
use crate::audit::{Actor, Entry};
use crate::db::{now_ms, Db};
use crate::error::AppError;
use sqlx::Row;

/// Page `page` (1-based) of `staff`'s notifications in the centre, newest first.
pub async fn list(db: &Db, staff: i64, page: i64) -> Result<NotificationPage, AppError> {
    let page = crate::db::page_number(page)?;
    let rows = sqlx::query(
        "SELECT id, kind, title, link, created_at, read_at FROM notifications
         WHERE recipient_id = $1 AND in_app = 1 ORDER BY id DESC LIMIT $2 OFFSET $3",
    )
    .bind(staff)
    .bind(PER_PAGE)
    .bind((page - 1) * PER_PAGE)
    .fetch_all(db)
    .await?;
    let items = rows
        .iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            Ok(NotificationItem {
                id,
                kind: Kind::decode(&r.try_get::<String, _>("kind")?, "notifications", id)?,
                title: r.try_get("title")?,
                link: r.try_get("link")?,
                created_at: r.try_get("created_at")?,
                read: r.try_get::<Option<i64>, _>("read_at")?.is_some(),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE recipient_id = $1 AND in_app = 1",
    )
    .bind(staff)
    .fetch_one(db)
    .await?;
    Ok(NotificationPage {
        items,
        unread: unread(db, staff).await?,
        total,
        page,
        per_page: PER_PAGE,
    })
}

/// How many of `staff`'s notifications in the centre are unread.
pub async fn unread(db: &Db, staff: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE recipient_id = $1 AND in_app = 1 AND read_at IS NULL",
    )
    .bind(staff)
    .fetch_one(db)
    .await?)
}

/// `staff`'s unread notifications counted up to `BELL_CAP` + 1: the bell shows "99+" past
/// that, and asks every few seconds from every open page, so it never counts a long backlog.
pub async fn unread_for_bell(db: &Db, staff: i64) -> Result<i64, AppError> {
    let mut q = crate::db::Sql::new("SELECT 1 FROM notifications WHERE recipient_id = ");
    q.bind(staff).push(" AND in_app = 1 AND read_at IS NULL");
    Ok(q.capped_count(BELL_CAP)
        .query_scalar()
        .fetch_one(db)
        .await?)
}

/// The most unread notifications the bell counts before it says "99+".
pub const BELL_CAP: i64 = 99;

/// Marks `staff`'s notification `id` read (if it was not) and returns the link it points to.
pub async fn open(db: &Db, staff: i64, id: i64) -> Result<String, AppError> {
    let link: Option<String> = sqlx::query_scalar(
        "UPDATE notifications SET read_at = COALESCE(read_at, $1)
         WHERE id = $2 AND recipient_id = $3 AND in_app = 1 RETURNING link",
    )
    .bind(now_ms())
    .bind(id)
    .bind(staff)
    .fetch_optional(db)
    .await?;
    link.ok_or_else(|| AppError::NotFound("That notification".into()))
}

/// Marks all of `staff`'s notifications read; returns how many were unread.
pub async fn read_all(db: &Db, staff: i64) -> Result<u64, AppError> {
    Ok(sqlx::query(
        "UPDATE notifications SET read_at = $1 WHERE recipient_id = $2 AND in_app = 1 AND read_at IS NULL",
    )
    .bind(now_ms())
    .bind(staff)
    .execute(db)
    .await?
    .rows_affected())
}

/// `staff`'s choice for every kind (the kind's default where they made none).
pub async fn preferences(db: &Db, staff: i64) -> Result<Preferences, AppError> {
    let chosen: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, delivery FROM notification_preferences WHERE staff_id = $1")
            .bind(staff)
            .fetch_all(db)
            .await?;
    let mut kinds = Vec::with_capacity(Kind::ALL.len());
    for kind in Kind::ALL {
        let delivery = match chosen.iter().find(|(k, _)| k == kind.as_str()) {
            Some((_, d)) => Delivery::decode(d, "notification_preferences", staff)?,
            None => kind.default_delivery(),
        };
        kinds.push((*kind, delivery));
    }
    let daily: Option<i64> =
        sqlx::query_scalar("SELECT daily FROM notification_digests WHERE staff_id = $1")
            .bind(staff)
            .fetch_optional(db)
            .await?;
    Ok(Preferences {
        kinds,
        daily_digest: daily == Some(1),
    })
}

/// Saves `staff`'s choices, recorded in the audit log.
pub async fn save_preferences(
    db: &Db,
    staff: i64,
    prefs: &Preferences,
    actor: &Actor,
) -> Result<(), AppError> {
    let before = preferences(db, staff).await?;
    let mut tx = crate::db::begin_write(db).await?;
    for (kind, delivery) in &prefs.kinds {
        sqlx::query(
            "INSERT INTO notification_preferences (staff_id, kind, delivery) VALUES ($1, $2, $3)
             ON CONFLICT (staff_id, kind) DO UPDATE SET delivery = excluded.delivery",
        )
        .bind(staff)
        .bind(kind.as_str())
        .bind(delivery.as_str())
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO notification_digests (staff_id, daily) VALUES ($1, $2)
         ON CONFLICT (staff_id) DO UPDATE SET daily = excluded.daily",
    )
    .bind(staff)
    .bind(prefs.daily_digest as i64)
    .execute(&mut *tx)
    .await?;
    if !prefs.daily_digest {
        // What waited for a digest is sent on its own now that there is none.
        sqlx::query("UPDATE notifications SET email_state = 'pending' WHERE recipient_id = $1 AND email_state = 'digest'")
            .bind(staff)
            .execute(&mut *tx)
            .await?;
    }
    let show = |p: &Preferences| {
        serde_json::json!({
            "kinds": p.kinds.iter().map(|(k, d)| (k.as_str(), d.as_str())).collect::<std::collections::BTreeMap<_, _>>(),
            "daily_digest": p.daily_digest,
        })
    };
    Entry::new(actor, "notifications.preferences", "staff_user")
        .id(staff)
        .before(&show(&before))
        .after(&show(prefs))
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
