//! Survey links: one question and a comment, answered once, without an account. Only the
//! token's hash is stored; opening a link reads, only submitting the form records.
use super::queries::{record, NewFeedback, Recorded};
use super::{Channel, LinkState, ScoreType, SurveyLink};
use crate::accounts::sessions::{hash_token, new_token};
use crate::audit::{Actor, Entry};
use crate::db::Tx;
use crate::db::{now_ms, Db};
use crate::error::AppError;

const DAY_MS: i64 = 86_400_000;

/// id, customer, customer name, question, incident, expires, answered.
type LinkRow = (i64, i64, String, String, Option<i64>, i64, Option<i64>);
/// A link as the list shows it, with its question as stored.
#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    customer_id: i64,
    customer_name: String,
    score_type: String,
    incident_id: Option<i64>,
    created_by: String,
    created_at: i64,
    expires_at: i64,
    answered_at: Option<i64>,
}

/// Creates a link in `tx`; returns (id, plain token). When `email_to` is set, the invitation
/// is queued in the outbox in the same transaction.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    tx: &mut Tx,
    customer_id: i64,
    incident_id: Option<i64>,
    score_type: ScoreType,
    valid_days: i64,
    email: Option<(&str, &str)>,
    public_url: &str,
    actor: &Actor,
) -> Result<(i64, String), AppError> {
    let (token, hash) = new_token();
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO survey_links (token_hash, customer_id, incident_id, score_type, created_by_label, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(hash)
    .bind(customer_id)
    .bind(incident_id)
    .bind(score_type.as_str())
    .bind(&actor.label)
    .bind(now)
    .bind(now + valid_days.max(1) * DAY_MS)
    .fetch_one(&mut **tx)
    .await?;
    if let Some((to, name)) = email {
        let link = format!("{}/s/{token}", public_url.trim_end_matches('/'));
        let first = name.split_whitespace().next().unwrap_or(name);
        let body = format!(
            "Hello {first},\n\n{}\n\nIt takes one click and a line, if you have a moment:\n{link}\n\nThank you — your honest answer helps us put things right.\n",
            score_type.question()
        );
        sqlx::query(
            "INSERT INTO email_outbox (notice_id, to_address, subject, body, status, attempts, next_attempt_at, created_at)
             VALUES (NULL, $1, 'How did we do?', $2, 'queued', 0, $3, $3)",
        )
        .bind(to)
        .bind(body)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Entry::new(actor, "survey_link.create", "survey_link")
        .id(id)
        .after(&serde_json::json!({ "customer_id": customer_id, "incident_id": incident_id, "score_type": score_type.as_str(), "emailed": email.is_some() }))
        .write(&mut **tx)
        .await?;
    Ok((id, token))
}

/// Looks a token up without changing anything: safe for scanners that follow links.
pub async fn state(db: &Db, token: &str) -> Result<LinkState, AppError> {
    let found: Option<LinkRow> = sqlx::query_as(
        "SELECT l.id, l.customer_id, c.name, l.score_type, l.incident_id, l.expires_at, l.answered_at
         FROM survey_links l JOIN customers c ON c.id = l.customer_id WHERE l.token_hash = $1",
    )
    .bind(hash_token(token.trim()))
    .fetch_optional(db)
    .await?;
    Ok(match found {
        None => LinkState::Unknown,
        Some((.., Some(_))) => LinkState::Answered,
        Some((_, _, _, _, _, expires, None)) if expires <= now_ms() => LinkState::Expired,
        Some((id, customer_id, name, kind, incident_id, _, None)) => LinkState::Open {
            id,
            customer_id,
            first_name: name.split_whitespace().next().unwrap_or("").to_string(),
            score_type: ScoreType::decode(&kind, "survey_links", id)?,
            incident_id,
        },
    })
}

/// Records the answer to an open link, once: a second submit finds the link answered.
pub async fn answer(
    db: &Db,
    token: &str,
    score: i64,
    comment: &str,
    actor: &Actor,
) -> Result<Recorded, AppError> {
    let (id, customer_id, score_type, incident_id) = match state(db, token).await? {
        LinkState::Open {
            id,
            customer_id,
            score_type,
            incident_id,
            ..
        } => (id, customer_id, score_type, incident_id),
        LinkState::Answered => {
            return Err(AppError::Conflict(
                "This survey has already been answered. Thank you!".into(),
            ))
        }
        LinkState::Expired => {
            return Err(AppError::Conflict("This survey link has expired.".into()))
        }
        LinkState::Unknown => return Err(AppError::NotFound("That survey link".into())),
    };
    let (min, max) = score_type.range();
    if !(min..=max).contains(&score) {
        return Err(AppError::field(
            "score",
            format!("Choose a score from {min} to {max}."),
        ));
    }
    if comment.chars().count() > 4000 {
        return Err(AppError::field(
            "comment",
            "Please keep your comment under 4,000 characters.",
        ));
    }
    let mut tx = crate::db::begin_write(db).await?;
    // The conditional update is the single-use guard: of two racing submits only one matches.
    let now = now_ms();
    let claimed = sqlx::query("UPDATE survey_links SET answered_at = $1 WHERE id = $2 AND answered_at IS NULL AND expires_at > $1")
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if claimed == 0 {
        return Err(AppError::Conflict(
            "This survey has already been answered. Thank you!".into(),
        ));
    }
    let new = NewFeedback {
        customer_id,
        channel: Channel::Survey,
        score_type,
        score,
        comment: comment.trim().to_string(),
        received_at: now,
        incident_id,
        order_ref: None,
        survey_link_id: Some(id),
        idempotency_key: None,
    };
    let recorded = record(&mut tx, &new, actor).await?;
    crate::standing::recompute::refresh(&mut tx, &[customer_id], now).await?;
    tx.commit().await?;
    Ok(recorded)
}

/// The most recent links, newest first.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<SurveyLink>, AppError> {
    let rows: Vec<ListRow> = sqlx::query_as(
        "SELECT l.id, l.customer_id, c.name AS customer_name, l.score_type, l.incident_id,
                l.created_by_label AS created_by, l.created_at, l.expires_at, l.answered_at
         FROM survey_links l JOIN customers c ON c.id = l.customer_id ORDER BY l.created_at DESC, l.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(SurveyLink {
                score_type: ScoreType::decode(&r.score_type, "survey_links", r.id)?,
                id: r.id,
                customer_id: r.customer_id,
                customer_name: r.customer_name,
                incident_id: r.incident_id,
                created_by: r.created_by,
                created_at: r.created_at,
                expires_at: r.expires_at,
                answered_at: r.answered_at,
            })
        })
        .collect()
}
