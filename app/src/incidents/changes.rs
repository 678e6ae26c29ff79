//! Changing incidents. Each change runs in one transaction with its timeline event and its
//! audit row, so the timeline and the audit log never disagree with the record.
use super::fields::{NewAction, NewIncident};
use super::*;
use crate::audit::{Actor, Entry};
use crate::customers::fields::CustomerFields;
use crate::customers::queries as customers;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use sqlx::{Any, Transaction};

pub type Tx = Transaction<'static, Any>;

/// Writes a timeline event and the matching audit row.
pub async fn record(
    tx: &mut Tx,
    incident_id: i64,
    actor: &Actor,
    kind: &str,
    message: &str,
    internal: bool,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO incident_events (incident_id, at, actor_label, kind, message, internal) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(incident_id)
    .bind(now_ms())
    .bind(&actor.label)
    .bind(kind)
    .bind(message)
    .bind(internal as i64)
    .execute(&mut **tx)
    .await?;
    Entry::new(actor, &format!("incident.{kind}"), "incident")
        .id(incident_id)
        .after(&serde_json::json!({ "message": message }))
        .write(&mut **tx)
        .await?;
    // Every change to an incident passes here: its customer's loyalty score follows it.
    let customer: i64 = sqlx::query_scalar("SELECT customer_id FROM incidents WHERE id = $1")
        .bind(incident_id)
        .fetch_one(&mut **tx)
        .await?;
    crate::loyalty::queries::refresh(tx, customer, now_ms()).await
}

async fn status_of(tx: &mut Tx, id: i64) -> Result<Status, AppError> {
    let s: Option<String> = sqlx::query_scalar("SELECT status FROM incidents WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    s.and_then(|s| Status::parse(&s))
        .ok_or_else(|| AppError::NotFound("That incident".into()))
}

/// Logs an incident; returns its id. The person who logs it is its first assignee.
pub async fn create(
    db: &Db,
    input: NewIncident,
    follow_up: Option<i64>,
    staff_id: i64,
    actor: &Actor,
    ip: &str,
) -> Result<i64, AppError> {
    let customer_id = match (&input.new_customer_name, input.customer.as_str()) {
        (_, reference) if !reference.is_empty() => customers::find_by_id_or_reference(db, reference)
            .await?
            .ok_or_else(|| AppError::field("customer", "No customer has that name, email or reference. Pick one from the suggestions or add a new one."))?
            .id,
        (Some(name), _) => {
            let fields = CustomerFields::parse(name, "", "", "", "").map_err(|_| {
                AppError::field("new_customer_name", "Enter the new customer's name.")
            })?;
            customers::create(db, &fields, actor, ip).await?.id
        }
        (None, _) => return Err(AppError::field("customer", "Choose the customer.")),
    };
    let category: Option<(String, String)> = sqlx::query_as(
        "SELECT name, default_severity FROM incident_categories WHERE id = $1 AND active = 1",
    )
    .bind(input.category_id)
    .fetch_optional(db)
    .await?;
    let (category_name, default_severity) = category
        .ok_or_else(|| AppError::field("category_id", "Choose one of the listed categories."))?;
    let severity = input
        .severity
        .unwrap_or(Severity::parse(&default_severity).unwrap_or(Severity::Minor));
    let message = format!(
        "Logged as {} ({}), {}",
        category_name,
        severity.label().to_lowercase(),
        input.source.label().to_lowercase()
    );
    let new = Insert {
        customer_id,
        category_id: input.category_id,
        severity,
        source: input.source,
        occurred_at: input.occurred_at,
        subject_ref: input.subject_ref,
        description: input.description,
        staff_id: Some(staff_id),
        rule_id: None,
    };
    let mut tx = crate::db::begin_write(db).await?;
    let id = insert(&mut tx, &new, actor, &message).await?;
    if let Some(f) = follow_up {
        crate::feedback::follow_ups::link_incident(&mut tx, f, customer_id, id).await?;
        record(
            &mut tx,
            id,
            actor,
            "follow_up",
            &format!("Opened from follow-up #{f}, where the customer told us about the problem"),
            true,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// An incident to insert, whoever (or whatever rule) opens it.
pub struct Insert {
    pub customer_id: i64,
    pub category_id: i64,
    pub severity: Severity,
    pub source: Source,
    pub occurred_at: i64,
    pub subject_ref: Option<String>,
    pub description: String,
    pub staff_id: Option<i64>,
    pub rule_id: Option<i64>,
}

/// Inserts an incident in `tx` with its first timeline event. It is proactive unless it came
/// from a complaint.
pub async fn insert(
    tx: &mut Tx,
    new: &Insert,
    actor: &Actor,
    message: &str,
) -> Result<i64, AppError> {
    let now = now_ms();
    let complaint = new.source == Source::Complaint;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO incidents (customer_id, category_id, severity, source, status, subject_ref, description, occurred_at,
                                detected_at, complained_at, proactive, assignee_id, created_by, rule_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(new.customer_id)
    .bind(new.category_id)
    .bind(new.severity.as_str())
    .bind(new.source.as_str())
    .bind(&new.subject_ref)
    .bind(&new.description)
    .bind(new.occurred_at)
    .bind(now)
    .bind(if complaint { Some(now) } else { None })
    .bind(if complaint { 0i64 } else { 1 })
    .bind(new.staff_id)
    .bind(new.staff_id)
    .bind(new.rule_id)
    .bind(now)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    record(tx, id, actor, "created", message, true).await?;
    Ok(id)
}

pub async fn touch(tx: &mut Tx, id: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE incidents SET updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// open → recovering: someone is on it (acknowledges it).
pub async fn start_recovery(db: &Db, id: i64, actor: &Actor) -> Result<(), AppError> {
    let mut tx = crate::db::begin_write(db).await?;
    if status_of(&mut tx, id).await? != Status::Open {
        return Err(AppError::Conflict(
            "Only an open incident can move to recovering.".into(),
        ));
    }
    sqlx::query("UPDATE incidents SET status = 'recovering', acknowledged_at = COALESCE(acknowledged_at, $1) WHERE id = $2")
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    touch(&mut tx, id).await?;
    record(&mut tx, id, actor, "recovering", "Recovery started", true).await?;
    tx.commit().await?;
    Ok(())
}

/// Resolving needs a root cause and either an applied recovery action or a reason none was needed.
pub async fn resolve(
    db: &Db,
    id: i64,
    root_cause: &str,
    no_action_reason: &str,
    public_url: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let root_cause = root_cause.trim();
    let no_action_reason = Some(no_action_reason.trim()).filter(|r| !r.is_empty());
    if root_cause.is_empty() {
        return Err(AppError::field(
            "root_cause",
            "Say what caused the failure before resolving.",
        ));
    }
    let mut tx = crate::db::begin_write(db).await?;
    if status_of(&mut tx, id).await? == Status::Resolved {
        return Err(AppError::Conflict(
            "This incident is resolved already.".into(),
        ));
    }
    let applied: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM recovery_actions WHERE incident_id = $1 AND status = 'applied'",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    if applied == 0 && no_action_reason.is_none() {
        return Err(AppError::field(
            "no_action_reason",
            "Record at least one recovery action, or say why no action was needed.",
        ));
    }
    let now = now_ms();
    sqlx::query(
        "UPDATE incidents SET status = 'resolved', resolved_at = $1, acknowledged_at = COALESCE(acknowledged_at, $1),
                root_cause = $2, no_action_reason = $3, updated_at = $1 WHERE id = $4",
    )
    .bind(now)
    .bind(root_cause)
    .bind(no_action_reason)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let message = match no_action_reason {
        Some(reason) => format!("Resolved. Root cause: {root_cause}. No action needed: {reason}"),
        None => format!("Resolved. Root cause: {root_cause}"),
    };
    record(&mut tx, id, actor, "resolved", &message, true).await?;
    survey_after_resolve(&mut tx, id, public_url, actor).await?;
    tx.commit().await?;
    Ok(())
}

/// Asks the customer how the recovery felt, once per incident, when the organisation wants it
/// and the customer has an email address.
async fn survey_after_resolve(
    tx: &mut Tx,
    id: i64,
    public_url: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let settings = crate::feedback::questions::queries::load(&mut **tx).await?;
    if !settings.survey_after_resolve {
        return Ok(());
    }
    let (customer_id, name, email): (i64, String, Option<String>) = sqlx::query_as(
        "SELECT c.id, c.name, c.email FROM incidents i JOIN customers c ON c.id = i.customer_id WHERE i.id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let asked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM survey_links WHERE incident_id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    let Some(email) = email.filter(|_| asked == 0) else {
        return Ok(());
    };
    let kind = crate::feedback::ScoreType::Csat;
    crate::feedback::surveys::insert(
        tx,
        customer_id,
        Some(id),
        kind,
        settings.survey_days,
        Some((&email, &name)),
        public_url,
        actor,
    )
    .await?;
    record(
        tx,
        id,
        actor,
        "survey",
        &format!("Satisfaction survey emailed to {email}"),
        true,
    )
    .await
}

/// resolved → recovering, keeping the history.
pub async fn reopen(db: &Db, id: i64, reason: &str, actor: &Actor) -> Result<(), AppError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field(
            "reason",
            "Say why the incident is reopened.",
        ));
    }
    let mut tx = crate::db::begin_write(db).await?;
    if status_of(&mut tx, id).await? != Status::Resolved {
        return Err(AppError::Conflict(
            "Only a resolved incident can be reopened.".into(),
        ));
    }
    sqlx::query("UPDATE incidents SET status = 'recovering', resolved_at = NULL WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    touch(&mut tx, id).await?;
    record(
        &mut tx,
        id,
        actor,
        "reopened",
        &format!("Reopened: {reason}"),
        true,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn assign(db: &Db, id: i64, assignee_id: i64, actor: &Actor) -> Result<(), AppError> {
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM staff_users WHERE id = $1 AND active = 1")
            .bind(assignee_id)
            .fetch_optional(db)
            .await?;
    let name = name.ok_or_else(|| AppError::field("assignee_id", "Choose an active colleague."))?;
    let mut tx = crate::db::begin_write(db).await?;
    status_of(&mut tx, id).await?;
    sqlx::query("UPDATE incidents SET assignee_id = $1 WHERE id = $2")
        .bind(assignee_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    touch(&mut tx, id).await?;
    record(
        &mut tx,
        id,
        actor,
        "assigned",
        &format!("Assigned to {name}"),
        true,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records a recovery action. Money is counted per incident: an action with an amount is applied
/// at once only while everything the incident's recovery has spent or proposed (every kind, in
/// this currency) stays within the limit for that currency; past it, in a currency without a
/// limit, or beside amounts in another currency, it waits for a manager. An open incident moves
/// to recovering.
pub async fn add_action(
    db: &Db,
    id: i64,
    input: NewAction,
    staff_id: i64,
    actor: &Actor,
) -> Result<ActionStatus, AppError> {
    let rules = super::settings::queries::approval_rules(db).await?;
    let mut tx = crate::db::begin_write(db).await?;
    // Touching the incident first takes its row lock on PostgreSQL (SQLite's write lock is taken
    // at BEGIN): parallel additions to one incident queue here, and each sees what the others
    // committed, so splitting a refund into parallel pieces cannot pass the limit.
    touch(&mut tx, id).await?;
    if status_of(&mut tx, id).await? == Status::Resolved {
        return Err(AppError::Conflict(
            "Reopen the incident before adding to its recovery.".into(),
        ));
    }
    let status = if input.amount.minor == 0 {
        ActionStatus::Applied
    } else {
        let spent: Vec<(String, i64)> = sqlx::query_as(
            "SELECT currency, CAST(SUM(amount_minor) AS BIGINT) FROM recovery_actions
             WHERE incident_id = $1 AND status IN ('applied', 'pending') AND amount_minor > 0
             GROUP BY currency",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let currency = &input.amount.currency;
        let other_currency = spent.iter().any(|(c, _)| c != currency);
        let so_far: i64 = spent
            .iter()
            .filter(|(c, _)| c == currency)
            .map(|(_, m)| m)
            .sum();
        match rules.limit_in(currency) {
            Some(limit)
                if !other_currency && so_far.saturating_add(input.amount.minor) <= limit =>
            {
                ActionStatus::Applied
            }
            _ => ActionStatus::Pending,
        }
    };
    insert_action(&mut tx, id, &input, status, Some(staff_id), None, actor).await?;
    tx.commit().await?;
    Ok(status)
}

/// Inserts a recovery action in `tx`; an open incident moves to recovering. `notice` (subject,
/// body) is sent when a pending action is approved.
pub async fn insert_action(
    tx: &mut Tx,
    id: i64,
    input: &NewAction,
    status: ActionStatus,
    staff_id: Option<i64>,
    notice: Option<(&str, &str)>,
    actor: &Actor,
) -> Result<(), AppError> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO recovery_actions (incident_id, kind, amount_minor, currency, status, note, created_by, created_at,
                                       notice_subject, notice_body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(input.kind.as_str())
    .bind(input.amount.minor)
    .bind(&input.amount.currency)
    .bind(status.as_str())
    .bind(&input.note)
    .bind(staff_id)
    .bind(now)
    .bind(notice.map(|n| n.0.to_string()))
    .bind(notice.map(|n| n.1.to_string()))
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE incidents SET status = 'recovering', acknowledged_at = COALESCE(acknowledged_at, $1)
         WHERE id = $2 AND status = 'open'",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    touch(tx, id).await?;
    let amount = if input.amount.minor > 0 {
        format!(" of {}", input.amount.display())
    } else {
        String::new()
    };
    let message = match status {
        ActionStatus::Pending => {
            format!(
                "{}{amount} proposed; beyond what may be spent without approval, waiting for a manager",
                input.kind.label()
            )
        }
        _ => format!("{}{amount} applied", input.kind.label()),
    };
    record(tx, id, actor, "action", &message, true).await
}

/// A manager approves or declines a pending refund or credit.
pub async fn decide(
    db: &Db,
    action_id: i64,
    approve: bool,
    note: &str,
    manager_id: i64,
    actor: &Actor,
) -> Result<i64, AppError> {
    let note = note.trim();
    if !approve && note.is_empty() {
        return Err(AppError::field(
            "note",
            "Say why the refund or credit is declined.",
        ));
    }
    let rules = super::settings::queries::approval_rules(db).await?;
    let mut tx = crate::db::begin_write(db).await?;
    type Pending = (
        i64,
        String,
        i64,
        String,
        Option<String>,
        Option<String>,
        Option<i64>,
    );
    let row: Option<Pending> = sqlx::query_as(
        "SELECT incident_id, kind, amount_minor, currency, notice_subject, notice_body, created_by
         FROM recovery_actions WHERE id = $1 AND status = 'pending'",
    )
    .bind(action_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (incident_id, kind, minor, currency, notice_subject, notice_body, proposer) = row
        .ok_or_else(|| {
            AppError::Conflict("That action is not waiting for approval (any more).".into())
        })?;
    // Four eyes: whoever proposed it may withdraw it, but someone else approves it.
    let own = proposer == Some(manager_id);
    if approve && own && !rules.allow_self_approval {
        return Err(AppError::Conflict(
            "You proposed this recovery, so another manager approves it.".into(),
        ));
    }
    let status = if approve { "applied" } else { "declined" };
    let decided = sqlx::query(
        "UPDATE recovery_actions SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4
         WHERE id = $5 AND status = 'pending'",
    )
    .bind(status)
    .bind(manager_id)
    .bind(now_ms())
    .bind(Some(note).filter(|n| !n.is_empty()))
    .bind(action_id)
    .execute(&mut *tx)
    .await?;
    // Two managers deciding at once: the second finds it decided (PostgreSQL reads committed
    // rows, so both saw it pending) and records nothing.
    if decided.rows_affected() == 0 {
        return Err(AppError::Conflict(
            "That action is not waiting for approval (any more).".into(),
        ));
    }
    touch(&mut tx, incident_id).await?;
    let label = ActionKind::parse(&kind)
        .map(|k| k.label())
        .unwrap_or("Action");
    let amount = super::money::Money { minor, currency }.display();
    let verb = if approve { "approved" } else { "declined" };
    let mut suffix = if note.is_empty() {
        String::new()
    } else {
        format!(": {note}")
    };
    if approve && own {
        suffix.push_str(" (by the person who proposed it, as the organisation allows)");
    }
    record(
        &mut tx,
        incident_id,
        actor,
        verb,
        &format!("{label} of {amount} {verb}{suffix}"),
        true,
    )
    .await?;
    if let (true, Some(subject), Some(body)) = (approve, notice_subject, notice_body) {
        insert_notice(&mut tx, incident_id, &subject, &body, actor).await?;
    }
    tx.commit().await?;
    Ok(incident_id)
}

/// An internal note: on the timeline, never shown to the customer.
pub async fn add_note(db: &Db, id: i64, text: &str, actor: &Actor) -> Result<(), AppError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 4000 {
        return Err(AppError::field(
            "text",
            "Write a note of up to 4,000 characters.",
        ));
    }
    let mut tx = crate::db::begin_write(db).await?;
    status_of(&mut tx, id).await?;
    record(&mut tx, id, actor, "note", text, true).await?;
    tx.commit().await?;
    Ok(())
}

/// The customer complained about this incident. If it was detected first it stays proactive.
pub async fn record_complaint(db: &Db, id: i64, text: &str, actor: &Actor) -> Result<(), AppError> {
    let mut tx = crate::db::begin_write(db).await?;
    status_of(&mut tx, id).await?;
    sqlx::query("UPDATE incidents SET complained_at = COALESCE(complained_at, $1) WHERE id = $2")
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    touch(&mut tx, id).await?;
    let text = text.trim();
    let message = if text.is_empty() {
        "Customer complained".to_string()
    } else {
        format!("Customer complained: {text}")
    };
    record(&mut tx, id, actor, "complaint", &message, true).await?;
    tx.commit().await?;
    Ok(())
}

/// A notice to the customer: kept for their portal and queued for email in the same
/// transaction, so it is never lost between the two.
pub async fn send_notice(
    db: &Db,
    id: i64,
    subject: &str,
    body: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let subject = subject.trim();
    let body = body.trim();
    let mut errors = Vec::new();
    if subject.is_empty() || subject.chars().count() > 200 {
        errors.push(crate::error::FieldError::new(
            "subject",
            "Give the notice a subject of up to 200 characters.",
        ));
    }
    if body.is_empty() || body.chars().count() > 8000 {
        errors.push(crate::error::FieldError::new(
            "body",
            "Write what went wrong and what we did (up to 8,000 characters).",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    let mut tx = crate::db::begin_write(db).await?;
    status_of(&mut tx, id).await?;
    insert_notice(&mut tx, id, subject, body, actor).await?;
    tx.commit().await?;
    Ok(())
}

/// Inserts a notice and, when the customer has an email address, its outbox message, in `tx`:
/// the two are saved together or not at all.
pub async fn insert_notice(
    tx: &mut Tx,
    id: i64,
    subject: &str,
    body: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let (customer_id, email): (i64, Option<String>) =
        sqlx::query_as("SELECT c.id, c.email FROM incidents i JOIN customers c ON c.id = i.customer_id WHERE i.id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    let now = now_ms();
    let notice_id: i64 = sqlx::query_scalar(
        "INSERT INTO notices (incident_id, customer_id, subject, body, created_by_label, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(id)
    .bind(customer_id)
    .bind(subject)
    .bind(body)
    .bind(&actor.label)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    let delivery = match &email {
        Some(address) => {
            sqlx::query(
                "INSERT INTO email_outbox (notice_id, to_address, subject, body, status, attempts, next_attempt_at, created_at)
                 VALUES ($1, $2, $3, $4, 'queued', 0, $5, $5)",
            )
            .bind(notice_id)
            .bind(address)
            .bind(subject)
            .bind(body)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            format!("queued for email to {address}")
        }
        None => "shown in the portal (no email address on file)".to_string(),
    };
    record(
        tx,
        id,
        actor,
        "notice",
        &format!("Notice \"{subject}\" {delivery}"),
        false,
    )
    .await
}
