//! Follow-ups: opened with their feedback, assigned, worked (contact attempts, what the
//! customer really said) and closed with an outcome; the queues and the managers' daily digest.
use super::answer::{decode_reasons, NewFeedback};
use super::assess::Verdict;
use super::due::add_working_days;
use super::questions::queries as settings;
use super::queue::end_of_today;
use super::*;
use crate::audit::{Actor, Entry};
use crate::db::Tx;
use crate::db::{now_ms, Db, Sql};
use crate::error::{AppError, FieldError};
use sqlx::any::AnyRow;
use sqlx::Row;

/// Who gets a new follow-up: the associate on the related incident, else the next associate
/// in turn (by id, wrapping), else nobody until a manager assigns it.
async fn assignee(tx: &mut Tx, incident_id: Option<i64>) -> Result<Option<i64>, AppError> {
    if let Some(incident) = incident_id {
        let on_incident: Option<i64> = sqlx::query_scalar(
            "SELECT u.id FROM incidents i JOIN staff_users u ON u.id = i.assignee_id WHERE i.id = $1 AND u.active = 1",
        )
        .bind(incident)
        .fetch_optional(&mut **tx)
        .await?;
        if on_incident.is_some() {
            return Ok(on_incident);
        }
    }
    let last: Option<String> =
        sqlx::query_scalar("SELECT value FROM org_settings WHERE key = 'follow_up_last_assignee'")
            .fetch_optional(&mut **tx)
            .await?;
    let last: i64 = match last {
        Some(v) => v
            .parse()
            .map_err(|e| AppError::internal("stored follow_up_last_assignee", e))?,
        None => 0,
    };
    let next: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM staff_users WHERE role = 'associate' AND active = 1 AND id > $1 ORDER BY id LIMIT 1",
    )
    .bind(last)
    .fetch_optional(&mut **tx)
    .await?;
    let next = match next {
        Some(id) => Some(id),
        None => {
            sqlx::query_scalar(
                "SELECT id FROM staff_users WHERE role = 'associate' AND active = 1 ORDER BY id LIMIT 1",
            )
            .fetch_optional(&mut **tx)
            .await?
        }
    };
    if let Some(id) = next {
        sqlx::query(
            "INSERT INTO org_settings (key, value) VALUES ('follow_up_last_assignee', $1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(id.to_string())
        .execute(&mut **tx)
        .await?;
    }
    Ok(next)
}

/// Opens the follow-up for a feedback that needs one, in the feedback's transaction.
pub async fn open(
    tx: &mut Tx,
    feedback_id: i64,
    new: &NewFeedback,
    verdict: &Verdict,
) -> Result<i64, AppError> {
    let levels = settings::load(&mut **tx).await?;
    let days = match verdict.assessment {
        Assessment::Unhappy => levels.unhappy_days,
        _ => levels.lukewarm_days,
    };
    // The clock starts when we learn of the answer, not when the customer wrote it.
    let opened_at = now_ms();
    let assignee = assignee(tx, new.incident_id).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO follow_ups (feedback_id, customer_id, assignee_id, assessment, risk, status, opened_at, due_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $6) RETURNING id",
    )
    .bind(feedback_id)
    .bind(new.customer_id)
    .bind(assignee)
    .bind(verdict.assessment.as_str())
    .bind(verdict.risk)
    .bind(opened_at)
    .bind(add_working_days(
        opened_at,
        days,
        crate::org::clock::time_zone_in(&mut **tx).await?,
    ))
    .fetch_one(&mut **tx)
    .await?;
    if let Some(assignee) = assignee {
        // Opened by the queue's own rules (round robin or the incident's assignee).
        let queue = Actor::system("Follow-up queue");
        notify_assigned(tx, id, assignee, &queue).await?;
    }
    Ok(id)
}

pub(super) const SELECT: &str = "SELECT u.id, u.feedback_id, u.customer_id, c.name AS customer_name, u.assessment, u.risk, u.status,
        u.opened_at, u.due_at, u.closed_at, u.assignee_id, s.name AS assignee_name, f.score_type, f.score, f.comment,
        f.reasons, u.outcome, u.customer_said, (SELECT COUNT(*) FROM follow_up_attempts a WHERE a.follow_up_id = u.id) AS attempts
    FROM follow_ups u JOIN feedback f ON f.id = u.feedback_id JOIN customers c ON c.id = u.customer_id
    LEFT JOIN staff_users s ON s.id = u.assignee_id";

/// Reads a follow-up; `end_of_today` (the next local midnight) decides what is due today.
pub(super) fn row(r: &AnyRow, end_of_today: i64) -> Result<FollowUpRow, AppError> {
    let text = |c: &str| -> Result<String, AppError> { Ok(r.try_get::<String, _>(c)?) };
    let outcome: Option<String> = r.try_get("outcome")?;
    let id: i64 = r.try_get("id")?;
    let feedback_id: i64 = r.try_get("feedback_id")?;
    Ok(FollowUpRow {
        id,
        feedback_id,
        customer_id: r.try_get("customer_id")?,
        customer_name: text("customer_name")?,
        assessment: Assessment::decode(&text("assessment")?, "follow_ups", id)?,
        risk: r.try_get("risk")?,
        closed: text("status")? == "closed",
        opened_at: r.try_get("opened_at")?,
        due_at: r.try_get("due_at")?,
        closed_at: r.try_get("closed_at")?,
        assignee_id: r.try_get("assignee_id")?,
        assignee_name: r.try_get("assignee_name")?,
        score_type: ScoreType::decode(&text("score_type")?, "feedback", feedback_id)?,
        score: r.try_get("score")?,
        comment: text("comment")?,
        reasons: decode_reasons(&text("reasons")?, feedback_id)?,
        outcome: Outcome::decode_optional(outcome.as_deref(), "follow_ups", id)?,
        customer_said: r.try_get("customer_said")?,
        attempts: r.try_get("attempts")?,
        due_state: super::due::DueState::of(
            r.try_get("due_at")?,
            text("status")? == "closed",
            now_ms(),
            end_of_today,
        ),
    })
}

/// A customer's follow-ups, newest first.
pub async fn for_customer(db: &Db, customer_id: i64) -> Result<Vec<FollowUpRow>, AppError> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE u.customer_id = ")
        .bind(customer_id)
        .push(" ORDER BY u.opened_at DESC LIMIT 100");
    let rows = q.query().fetch_all(db).await?;
    let eod = end_of_today(db, now_ms()).await?;
    rows.iter().map(|r| row(r, eod)).collect()
}

pub async fn detail(db: &Db, id: i64) -> Result<FollowUpDetail, AppError> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE u.id = ").bind(id);
    let r = q
        .query()
        .fetch_optional(db)
        .await?
        .ok_or_else(|| AppError::NotFound("That follow-up".into()))?;
    let row = row(&r, end_of_today(db, now_ms()).await?)?;
    let extra = sqlx::query(
        "SELECT COALESCE(c.external_ref, c.email, CAST(c.id AS TEXT)) AS customer_ref, f.incident_id, f.channel, f.received_at,
                u.customer_said, u.true_sentiment, u.incident_id AS opened_incident_id, u.closed_by_label
         FROM follow_ups u JOIN feedback f ON f.id = u.feedback_id JOIN customers c ON c.id = u.customer_id WHERE u.id = $1",
    )
    .bind(id)
    .fetch_one(db)
    .await?;
    let attempts = sqlx::query(
        "SELECT id, channel, at, reached, note, by_label FROM follow_up_attempts WHERE follow_up_id = $1 ORDER BY at, id",
    )
    .bind(id)
    .fetch_all(db)
    .await?
    .iter()
    .map(|a| {
        let attempt: i64 = a.try_get("id")?;
        Ok(Attempt {
            id: attempt,
            channel: ContactChannel::decode(
                &a.try_get::<String, _>("channel")?,
                "follow_up_attempts",
                attempt,
            )?,
            at: a.try_get("at")?,
            reached: a.try_get::<i64, _>("reached")? == 1,
            note: a.try_get("note")?,
            by: a.try_get("by_label")?,
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    let levels = settings::load(db).await?;
    let codes: Vec<String> = row.reasons.iter().map(|r| r.code.clone()).collect();
    let staff: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM staff_users WHERE active = 1 ORDER BY name")
            .fetch_all(db)
            .await?;
    let sentiment: Option<String> = extra.try_get("true_sentiment")?;
    Ok(FollowUpDetail {
        questions: levels.questions_for(&codes),
        customer_ref: extra.try_get("customer_ref")?,
        feedback_incident_id: extra.try_get("incident_id")?,
        channel: Channel::decode(
            &extra.try_get::<String, _>("channel")?,
            "feedback",
            row.feedback_id,
        )?,
        received_at: extra.try_get("received_at")?,
        customer_said: extra.try_get("customer_said")?,
        true_sentiment: TrueSentiment::decode_optional(sentiment.as_deref(), "follow_ups", id)?,
        opened_incident_id: extra.try_get("opened_incident_id")?,
        closed_by: extra.try_get("closed_by_label")?,
        unreachable_after: levels.unreachable_after,
        attempts,
        staff,
        row,
    })
}

async fn open_status(tx: &mut Tx, id: i64) -> Result<(), AppError> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM follow_ups WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    match status.as_deref() {
        None => Err(AppError::NotFound("That follow-up".into())),
        Some("closed") => Err(AppError::Conflict(
            "This follow-up is already closed.".into(),
        )),
        Some(_) => Ok(()),
    }
}

/// A contact attempt as the form sends it.
pub struct NewAttempt {
    pub channel: ContactChannel,
    pub at: i64,
    pub reached: bool,
    pub note: String,
}

pub async fn log_attempt(db: &Db, id: i64, a: &NewAttempt, actor: &Actor) -> Result<(), AppError> {
    let mut tx = crate::db::begin_write(db).await?;
    open_status(&mut tx, id).await?;
    let now = now_ms();
    sqlx::query(
        "INSERT INTO follow_up_attempts (follow_up_id, channel, at, reached, note, by_label, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(a.channel.as_str())
    .bind(a.at)
    .bind(a.reached as i64)
    .bind(&a.note)
    .bind(&actor.label)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE follow_ups SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Entry::new(actor, "follow_up.attempt", "follow_up")
        .id(id)
        .after(&serde_json::json!({ "channel": a.channel.as_str(), "at": a.at, "reached": a.reached, "note": a.note }))
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// How a follow-up is closed, as the form sends it.
pub struct Closing {
    pub outcome: Outcome,
    pub customer_said: String,
    pub true_sentiment: Option<TrueSentiment>,
}

pub async fn close(db: &Db, id: i64, c: &Closing, actor: &Actor) -> Result<(), AppError> {
    let mut errors = Vec::new();
    if c.outcome != Outcome::Unreachable {
        if c.customer_said.trim().is_empty() {
            errors.push(FieldError::new(
                "customer_said",
                "Write down what the customer really said.",
            ));
        }
        if c.true_sentiment.is_none() {
            errors.push(FieldError::new(
                "true_sentiment",
                "Choose how the customer really felt.",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    let mut tx = crate::db::begin_write(db).await?;
    open_status(&mut tx, id).await?;
    if c.outcome == Outcome::Unreachable {
        let needed = settings::load(&mut *tx).await?.unreachable_after;
        let tried: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM follow_up_attempts WHERE follow_up_id = $1 AND reached = 0",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if tried < needed {
            return Err(AppError::field(
                "outcome",
                format!("Log at least {needed} attempts that did not reach the customer before closing as unreachable ({tried} so far)."),
            ));
        }
    }
    let now = now_ms();
    sqlx::query(
        "UPDATE follow_ups SET status = 'closed', outcome = $1, customer_said = $2, true_sentiment = $3, closed_at = $4,
                closed_by_label = $5, updated_at = $4 WHERE id = $6",
    )
    .bind(c.outcome.as_str())
    .bind(Some(c.customer_said.trim()).filter(|s| !s.is_empty()))
    .bind(c.true_sentiment.map(|s| s.as_str()))
    .bind(now)
    .bind(&actor.label)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    Entry::new(actor, "follow_up.close", "follow_up")
        .id(id)
        .after(&serde_json::json!({
            "outcome": c.outcome.as_str(), "customer_said": c.customer_said,
            "true_sentiment": c.true_sentiment.map(|s| s.as_str()),
        }))
        .write(&mut *tx)
        .await?;
    let customer: i64 = sqlx::query_scalar("SELECT customer_id FROM follow_ups WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    crate::standing::recompute::refresh(&mut tx, &[customer], now).await?;
    super::announce::closed(&mut tx, id).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn assign(db: &Db, id: i64, assignee: i64, actor: &Actor) -> Result<(), AppError> {
    let mut tx = crate::db::begin_write(db).await?;
    open_status(&mut tx, id).await?;
    let active: Option<i64> =
        sqlx::query_scalar("SELECT id FROM staff_users WHERE id = $1 AND active = 1")
            .bind(assignee)
            .fetch_optional(&mut *tx)
            .await?;
    if active.is_none() {
        return Err(AppError::field(
            "assignee_id",
            "Choose an active staff member.",
        ));
    }
    sqlx::query("UPDATE follow_ups SET assignee_id = $1, updated_at = $2 WHERE id = $3")
        .bind(assignee)
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Entry::new(actor, "follow_up.assign", "follow_up")
        .id(id)
        .after(&serde_json::json!({ "assignee_id": assignee }))
        .write(&mut *tx)
        .await?;
    notify_assigned(&mut tx, id, assignee, actor).await?;
    tx.commit().await?;
    Ok(())
}

/// Tells `assignee` that follow-up `id` is theirs now, unless they did it themselves.
async fn notify_assigned(
    tx: &mut Tx,
    id: i64,
    assignee: i64,
    actor: &Actor,
) -> Result<(), AppError> {
    let customer: String = sqlx::query_scalar(
        "SELECT c.name FROM follow_ups u JOIN customers c ON c.id = u.customer_id WHERE u.id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    crate::notifications::notify(
        tx,
        actor,
        assignee,
        crate::notifications::Kind::FollowUpAssigned,
        &format!("Follow-up #{id} with {customer} assigned to you"),
        &format!("/follow-ups/{id}"),
        None,
    )
    .await?;
    Ok(())
}

/// Links the incident opened from a follow-up that found a problem.
pub async fn link_incident(
    tx: &mut Tx,
    id: i64,
    customer_id: i64,
    incident_id: i64,
) -> Result<(), AppError> {
    let found: Option<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT customer_id, status, outcome FROM follow_ups WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    match found {
        Some((owner, _, _)) if owner != customer_id => Err(AppError::field(
            "customer",
            "The follow-up this incident comes from is about another customer.",
        )),
        Some(_) => {
            sqlx::query("UPDATE follow_ups SET incident_id = $1, updated_at = $2 WHERE id = $3")
                .bind(incident_id)
                .bind(now_ms())
                .bind(id)
                .execute(&mut **tx)
                .await?;
            Ok(())
        }
        None => Err(AppError::NotFound("That follow-up".into())),
    }
}

/// Queues the day's digest of overdue follow-ups to every active manager and admin, once per
/// day from 07:00 in the organisation's time zone, however many instances run. Returns the
/// number of emails queued.
pub async fn queue_daily_digest(db: &Db, now: i64, public_url: &str) -> Result<usize, AppError> {
    use chrono::Timelike;
    let tz = crate::org::clock::time_zone(db).await?;
    let local = chrono::DateTime::from_timestamp_millis(now)
        .unwrap_or_default()
        .with_timezone(&tz);
    if local.hour() < 7 {
        return Ok(0);
    }
    let today = local.date_naive().to_string();
    let eod = crate::org::clock::end_of_day(tz, now);
    let sent: Option<String> =
        sqlx::query_scalar("SELECT value FROM org_settings WHERE key = 'follow_up_digest_day'")
            .fetch_optional(db)
            .await?;
    if sent.as_deref() == Some(today.as_str()) {
        return Ok(0);
    }
    let mut tx = crate::db::begin_write(db).await?;
    sqlx::query("INSERT INTO org_settings (key, value) VALUES ('follow_up_digest_day', '') ON CONFLICT (key) DO NOTHING")
        .execute(&mut *tx)
        .await?;
    let claimed = sqlx::query(
        "UPDATE org_settings SET value = $1 WHERE key = 'follow_up_digest_day' AND value <> $1",
    )
    .bind(&today)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Ok(0);
    }
    let mut q = Sql::new(SELECT);
    q.push(" WHERE u.status = 'open' AND u.due_at <= ")
        .bind(now)
        .push(" ORDER BY u.risk DESC, u.due_at ASC LIMIT 50");
    let overdue = q
        .query()
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| row(r, eod))
        .collect::<Result<Vec<_>, _>>()?;
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM follow_ups WHERE status = 'open' AND due_at <= $1",
    )
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let mut queued = 0;
    if total > 0 {
        let base = public_url.trim_end_matches('/');
        let mut body = format!("{total} follow-up(s) are overdue.\n\n");
        for f in &overdue {
            body.push_str(&format!(
                "- {} ({}, {}): due {}, {} — {base}/follow-ups/{}\n",
                f.customer_name,
                f.assessment.label().to_lowercase(),
                f.score_type.describe(f.score),
                crate::components::time::format_ms(f.due_at),
                f.assignee_name.as_deref().unwrap_or("unassigned"),
                f.id
            ));
        }
        if total > overdue.len() as i64 {
            body.push_str(&format!(
                "\n…and {} more: {base}/follow-ups?queue=overdue\n",
                total - overdue.len() as i64
            ));
        }
        let managers: Vec<String> =
            sqlx::query_scalar("SELECT email FROM staff_users WHERE active = 1 AND role IN ('manager', 'admin') ORDER BY id")
                .fetch_all(&mut *tx)
                .await?;
        let subject = format!("{total} overdue follow-up(s)");
        for to in managers {
            sqlx::query(
                "INSERT INTO email_outbox (notice_id, to_address, subject, body, status, attempts, next_attempt_at, created_at)
                 VALUES (NULL, $1, $2, $3, 'queued', 0, $4, $4)",
            )
            .bind(&to)
            .bind(&subject)
            .bind(&body)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            queued += 1;
        }
    }
    tx.commit().await?;
    Ok(queued)
}
