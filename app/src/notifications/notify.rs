//! Writing a notification: in the transaction of the change that prompts it, routed by the
//! recipient's preferences, and at most once per (recipient, kind, dedupe key).
use super::{Delivery, Kind};
use crate::audit::Actor;
use crate::db::Tx;
use crate::error::AppError;

/// What to tell someone.
#[derive(Clone, Debug)]
pub struct Note<'a> {
    pub kind: Kind,
    pub title: &'a str,
    /// The path of the record, e.g. `/incidents/12`.
    pub link: &'a str,
    /// The same key again (for this recipient and kind) notifies nobody: repeated checks and
    /// several instances then tell each person once.
    pub dedupe_key: Option<&'a str>,
    /// More text for the email, below the title (the weekly report's figures).
    pub detail: Option<&'a str>,
}

/// Notifies staff member `recipient` of `kind` now, unless it is `by` themselves, they are
/// inactive, they switched the kind off, or `dedupe_key` was used for them and this kind
/// before. Returns whether a notification was written.
pub async fn notify(
    tx: &mut Tx,
    by: &Actor,
    recipient: i64,
    kind: Kind,
    title: &str,
    link: &str,
    dedupe_key: Option<&str>,
) -> Result<bool, AppError> {
    let note = Note {
        kind,
        title,
        link,
        dedupe_key,
        detail: None,
    };
    notify_at(tx, by, recipient, &note, crate::db::now_ms()).await
}

/// [`notify`] stamped `at` (the checks driven by the scheduler's clock pass theirs).
pub async fn notify_at(
    tx: &mut Tx,
    by: &Actor,
    recipient: i64,
    note: &Note<'_>,
    at: i64,
) -> Result<bool, AppError> {
    // Nobody is told of what they did themselves.
    if by.kind == "staff" && by.id == Some(recipient) {
        return Ok(false);
    }
    let person: Option<(i64, Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT u.active, p.delivery, d.daily FROM staff_users u
         LEFT JOIN notification_preferences p ON p.staff_id = u.id AND p.kind = $2
         LEFT JOIN notification_digests d ON d.staff_id = u.id
         WHERE u.id = $1",
    )
    .bind(recipient)
    .bind(note.kind.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    let Some((1, delivery, daily)) = person else {
        return Ok(false);
    };
    let delivery = match delivery {
        Some(d) => Delivery::decode(&d, "notification_preferences", recipient)?,
        None => note.kind.default_delivery(),
    };
    if delivery == Delivery::Off {
        // Still recorded (never shown, never sent) when it has a key, so that turning the kind
        // back on does not bring old news.
        if note.dedupe_key.is_none() {
            return Ok(false);
        }
    }
    let email_state = match (delivery.email(), daily == Some(1)) {
        (false, _) => None,
        (true, false) => Some("pending"),
        (true, true) => Some("digest"),
    };
    // ON CONFLICT DO NOTHING on the dedupe index: on PostgreSQL a concurrent insert of the same
    // key waits for the other transaction and then does nothing, so each key notifies once.
    let inserted = sqlx::query(
        "INSERT INTO notifications (recipient_id, kind, title, link, detail, dedupe_key, created_at, in_app, email_state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (recipient_id, kind, dedupe_key) DO NOTHING",
    )
    .bind(recipient)
    .bind(note.kind.as_str())
    .bind(truncate(note.title, 300))
    .bind(note.link)
    .bind(note.detail)
    .bind(note.dedupe_key)
    .bind(at)
    .bind(delivery.in_app() as i64)
    .bind(email_state)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(inserted == 1 && delivery != Delivery::Off)
}

/// `text` cut to at most `max` characters.
fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn long_titles_are_cut_on_a_character_boundary() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("ééééé", 3), "ééé…");
    }
}
