//! Recovery actions: recording one (applied at once within the approval limits, else waiting
//! for a manager) and a manager's decision on one that waits.
use super::{insert_notice, record, status_of, touch};
use crate::audit::Actor;
use crate::db::{now_ms, Db, Tx};
use crate::error::AppError;
use crate::incidents::fields::NewAction;
use crate::incidents::{ActionKind, ActionStatus, Status};

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
    let rules = crate::incidents::settings::queries::approval_rules(db).await?;
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
    super::commit(tx, id).await?;
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
    let action_id: i64 = sqlx::query_scalar(
        "INSERT INTO recovery_actions (incident_id, kind, amount_minor, currency, status, note, created_by, created_at,
                                       notice_subject, notice_body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
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
    .fetch_one(&mut **tx)
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
    record(tx, id, actor, "action", &message, true).await?;
    super::announce::recovery(tx, action_id).await?;
    if status == ActionStatus::Pending {
        let title = format!(
            "{}{amount} on incident #{id} waits for your approval",
            input.kind.label()
        );
        let managers: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM staff_users WHERE active = 1 AND role IN ('manager', 'admin') ORDER BY id",
        )
        .fetch_all(&mut **tx)
        .await?;
        for manager in managers {
            crate::notifications::notify(
                tx,
                actor,
                manager,
                crate::notifications::Kind::ApprovalWaiting,
                &title,
                "/incidents/approvals",
                None,
            )
            .await?;
        }
    }
    Ok(())
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
    let rules = crate::incidents::settings::queries::approval_rules(db).await?;
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
    let label = ActionKind::decode(&kind, "recovery_actions", action_id)?.label();
    let amount = crate::common::money::Money { minor, currency }.display();
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
    super::announce::recovery(&mut tx, action_id).await?;
    if let (true, Some(subject), Some(body)) = (approve, notice_subject, notice_body) {
        insert_notice(&mut tx, incident_id, &subject, &body, actor).await?;
    }
    if let Some(proposer) = proposer {
        crate::notifications::notify(
            &mut tx,
            actor,
            proposer,
            crate::notifications::Kind::RecoveryDecided,
            &format!(
                "Your {} of {amount} on incident #{incident_id} was {verb}{suffix}",
                label.to_lowercase()
            ),
            &format!("/incidents/{incident_id}"),
            None,
        )
        .await?;
    }
    super::commit(tx, incident_id).await?;
    Ok(incident_id)
}
