//! Reading incidents: the filtered list, the incident page, the approval queue, the portal.
use super::sla::ServiceLevels;
use super::*;
use crate::common::money::Money;
use crate::db::{now_ms, Db, Keyword, Sql};
use crate::error::AppError;
use sqlx::any::AnyRow;
use sqlx::Row;

pub const PER_PAGE: i64 = 25;

/// The filters of the incidents list, as they appear in its URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentFilter {
    pub status: Option<Status>,
    pub category_id: Option<i64>,
    pub severity: Option<Severity>,
    pub source: Option<Source>,
    pub assignee_id: Option<i64>,
    pub customer_id: Option<i64>,
    /// [start, end) of an ISO week, on the detection time.
    pub week: Option<(i64, i64)>,
    pub overdue: bool,
    /// Only incidents detected before any complaint.
    pub proactive: bool,
    pub q: String,
    pub sort: String,
    pub page: i64,
}

const SELECT: &str = "SELECT i.id, i.customer_id, c.name AS customer_name, k.name AS category, i.severity, i.source,
        i.status, i.subject_ref, i.description, i.detected_at, i.acknowledged_at, i.resolved_at, i.proactive,
        i.assignee_id, u.name AS assignee_name
    FROM incidents i
    JOIN customers c ON c.id = i.customer_id
    JOIN incident_categories k ON k.id = i.category_id
    LEFT JOIN staff_users u ON u.id = i.assignee_id";

fn row(r: &AnyRow, levels: &ServiceLevels, now: i64) -> Result<IncidentRow, AppError> {
    let id: i64 = r.try_get("id")?;
    let severity = Severity::decode(&r.try_get::<String, _>("severity")?, "incidents", id)?;
    let detected_at: i64 = r.try_get("detected_at")?;
    let acknowledged_at: Option<i64> = r.try_get("acknowledged_at")?;
    let resolved_at: Option<i64> = r.try_get("resolved_at")?;
    Ok(IncidentRow {
        id,
        customer_id: r.try_get("customer_id")?,
        customer_name: r.try_get("customer_name")?,
        category: r.try_get("category")?,
        severity,
        source: Source::decode(&r.try_get::<String, _>("source")?, "incidents", id)?,
        status: Status::decode(&r.try_get::<String, _>("status")?, "incidents", id)?,
        subject_ref: r.try_get("subject_ref")?,
        description: r.try_get("description")?,
        detected_at,
        acknowledged_at,
        resolved_at,
        proactive: r.try_get::<i64, _>("proactive")? == 1,
        assignee_id: r.try_get("assignee_id")?,
        assignee_name: r.try_get("assignee_name")?,
        sla: levels.state(severity, detected_at, acknowledged_at, resolved_at, now),
    })
}

/// Narrows `q` to incidents past their service level at `now`: unacknowledged past the
/// acknowledge time, or acknowledged and unresolved past the resolve time, per severity.
fn overdue(q: &mut Sql, levels: &ServiceLevels, now: i64) {
    q.and().push("(i.status <> 'resolved' AND (");
    for (n, s) in Severity::ALL.iter().enumerate() {
        if n > 0 {
            q.push(" OR ");
        }
        q.push("(i.severity = ")
            .bind(s.as_str())
            .push(" AND ((i.acknowledged_at IS NULL AND i.detected_at < ")
            .bind(now - levels.acknowledge_ms(*s))
            .push(") OR (i.acknowledged_at IS NOT NULL AND i.detected_at < ")
            .bind(now - levels.resolve_ms(*s))
            .push(")))");
    }
    q.push("))");
}

/// The condition that an incident's description, subject reference or customer's name holds
/// the keyword, read from the text indexes.
fn matching(q: &mut Sql, k: &Keyword) {
    match k.phrase() {
        Some(own) => q
            .push("(i.id IN (SELECT rowid FROM incidents_search WHERE incidents_search MATCH ")
            .bind(own)
            .push(") OR "),
        None => q
            .push("(LOWER(i.description) LIKE ")
            .bind(k.like())
            .push(" ESCAPE '\\' OR LOWER(COALESCE(i.subject_ref, '')) LIKE ")
            .bind(k.like())
            .push(" ESCAPE '\\' OR "),
    };
    k.customer_named(q, "i.customer_id");
    q.push(")");
}

/// `select` narrowed to the incidents the filter names (its page and sort aside), `keyword`
/// being the filter's search.
fn filtered(
    select: &'static str,
    f: &IncidentFilter,
    keyword: Option<&Keyword>,
    levels: &ServiceLevels,
    now: i64,
) -> Sql {
    let mut q = Sql::new(select);
    if let Some(s) = f.status {
        q.and().push("i.status = ").bind(s.as_str());
    }
    if let Some(s) = f.severity {
        q.and().push("i.severity = ").bind(s.as_str());
    }
    if let Some(s) = f.source {
        q.and().push("i.source = ").bind(s.as_str());
    }
    if let Some(k) = keyword {
        matching(q.and(), k);
    }
    if let Some(id) = f.category_id {
        q.and().push("i.category_id = ").bind(id);
    }
    if let Some(id) = f.assignee_id {
        q.and().push("i.assignee_id = ").bind(id);
    }
    if let Some(id) = f.customer_id {
        q.and().push("i.customer_id = ").bind(id);
    }
    if let Some((start, end)) = f.week {
        q.and().push("i.detected_at >= ").bind(start);
        q.and().push("i.detected_at < ").bind(end);
    }
    if f.overdue {
        overdue(&mut q, levels, now);
    }
    if f.proactive {
        q.and().push("i.proactive = 1");
    }
    q
}

/// The statement selecting one row per incident the filter names, to count them.
fn counting(
    f: &IncidentFilter,
    keyword: Option<&Keyword>,
    levels: &ServiceLevels,
    now: i64,
) -> Sql {
    filtered("SELECT 1 FROM incidents i", f, keyword, levels, now)
}

/// How many incidents match a filter (the page number and sort are ignored), counted in full.
pub async fn count(db: &Db, f: &IncidentFilter) -> Result<i64, AppError> {
    let levels = super::settings::queries::service_levels(db).await?;
    let keyword = Keyword::parse(&f.q, crate::db::dialect(db));
    let count = filtered(
        "SELECT COUNT(*) FROM incidents i",
        f,
        keyword.as_ref(),
        &levels,
        now_ms(),
    );
    Ok(count
        .query_scalar()
        .persistent(keyword.is_none())
        .fetch_one(db)
        .await?)
}

/// The list's orders by the names its page uses; "" is the default, newest first.
const ORDERS: [(&str, &str); 4] = [
    ("", "i.detected_at DESC, i.id DESC"),
    ("oldest", "i.detected_at ASC, i.id ASC"),
    (
        "severity",
        "CASE i.severity WHEN 'critical' THEN 0 WHEN 'major' THEN 1 ELSE 2 END, i.detected_at DESC",
    ),
    ("customer", "LOWER(c.name) ASC, i.detected_at DESC"),
];

pub async fn list(db: &Db, f: &IncidentFilter) -> Result<IncidentPage, AppError> {
    let levels = super::settings::queries::service_levels(db).await?;
    let now = now_ms();
    let page = crate::db::page_number(f.page)?;
    let keyword = Keyword::parse(&f.q, crate::db::dialect(db));
    let counting = counting(f, keyword.as_ref(), &levels, now);
    let (total, total_capped) = crate::db::capped_total(db, counting, page, PER_PAGE).await?;
    // A sort the page does not offer (an old or hand-made link) lists newest first.
    let sort = if ORDERS.iter().any(|(name, _)| *name == f.sort) {
        f.sort.as_str()
    } else {
        ""
    };
    let mut q = filtered(SELECT, f, keyword.as_ref(), &levels, now);
    q.order_by(sort, &ORDERS)?
        .push(" LIMIT ")
        .bind(PER_PAGE)
        .push(" OFFSET ")
        .bind((page - 1) * PER_PAGE);
    // A search runs unnamed, so PostgreSQL plans it with the term in hand.
    let rows = q
        .query()
        .persistent(keyword.is_none())
        .fetch_all(db)
        .await?;
    let items = rows
        .iter()
        .map(|r| row(r, &levels, now))
        .collect::<Result<_, _>>()?;
    Ok(IncidentPage {
        items,
        total,
        total_capped,
        page,
        per_page: PER_PAGE,
    })
}

pub async fn find_row(db: &Db, id: i64) -> Result<IncidentRow, AppError> {
    let levels = super::settings::queries::service_levels(db).await?;
    let mut q = Sql::new(SELECT);
    q.and().push("i.id = ").bind(id);
    let r = q
        .query()
        .fetch_optional(db)
        .await?
        .ok_or_else(|| AppError::NotFound("That incident".into()))?;
    row(&r, &levels, now_ms())
}

fn action(r: &AnyRow) -> Result<RecoveryAction, AppError> {
    let id: i64 = r.try_get("id")?;
    Ok(RecoveryAction {
        id,
        incident_id: r.try_get("incident_id")?,
        kind: ActionKind::decode(&r.try_get::<String, _>("kind")?, "recovery_actions", id)?,
        amount: Money {
            minor: r.try_get("amount_minor")?,
            currency: r.try_get("currency")?,
        },
        status: ActionStatus::decode(&r.try_get::<String, _>("status")?, "recovery_actions", id)?,
        note: r.try_get("note")?,
        created_by: r.try_get("created_by_name")?,
        created_at: r.try_get("created_at")?,
        decided_by: r.try_get("decided_by_name")?,
        decided_at: r.try_get("decided_at")?,
        decision_note: r.try_get("decision_note")?,
    })
}

const ACTIONS: &str = "SELECT a.id, a.incident_id, a.kind, a.amount_minor, a.currency, a.status, a.note, a.created_at,
        a.decided_at, a.decision_note, cu.name AS created_by_name, du.name AS decided_by_name
    FROM recovery_actions a
    LEFT JOIN staff_users cu ON cu.id = a.created_by
    LEFT JOIN staff_users du ON du.id = a.decided_by";

pub async fn actions(db: &Db, incident_id: i64) -> Result<Vec<RecoveryAction>, AppError> {
    let mut q = Sql::new(ACTIONS);
    q.and()
        .push("a.incident_id = ")
        .bind(incident_id)
        .push(" ORDER BY a.created_at, a.id");
    let rows = q.query().fetch_all(db).await?;
    rows.iter().map(action).collect()
}

pub async fn notices(db: &Db, incident_id: i64) -> Result<Vec<Notice>, AppError> {
    let rows = sqlx::query(
        "SELECT n.id, n.incident_id, n.subject, n.body, n.created_at,
                COALESCE((SELECT MAX(o.status) FROM email_outbox o WHERE o.notice_id = n.id), 'portal only') AS delivery
         FROM notices n WHERE n.incident_id = $1 ORDER BY n.created_at, n.id",
    )
    .bind(incident_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Notice {
                id: r.try_get("id")?,
                incident_id: r.try_get("incident_id")?,
                subject: r.try_get("subject")?,
                body: r.try_get("body")?,
                created_at: r.try_get("created_at")?,
                delivery: r.try_get("delivery")?,
            })
        })
        .collect()
}

pub async fn detail(db: &Db, id: i64, can_approve: bool) -> Result<IncidentDetail, AppError> {
    let incident = find_row(db, id).await?;
    let r = sqlx::query(
        "SELECT i.occurred_at, i.complained_at, i.root_cause, i.no_action_reason, c.email
         FROM incidents i JOIN customers c ON c.id = i.customer_id WHERE i.id = $1",
    )
    .bind(id)
    .fetch_one(db)
    .await?;
    let timeline = sqlx::query("SELECT at, actor_label, kind, message, internal FROM incident_events WHERE incident_id = $1 ORDER BY at, id")
        .bind(id)
        .fetch_all(db)
        .await?
        .iter()
        .map(|e| {
            Ok(TimelineEvent {
                at: e.try_get("at")?,
                actor: e.try_get("actor_label")?,
                kind: e.try_get("kind")?,
                message: e.try_get("message")?,
                internal: e.try_get::<i64, _>("internal")? == 1,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let associates =
        sqlx::query("SELECT id, name FROM staff_users WHERE active = 1 ORDER BY LOWER(name)")
            .fetch_all(db)
            .await?
            .iter()
            .map(|u| Ok((u.try_get("id")?, u.try_get("name")?)))
            .collect::<Result<Vec<_>, AppError>>()?;
    let signals = sqlx::query(
        "SELECT idempotency_key, kind, value, unit, observed_at FROM signals WHERE incident_id = $1 ORDER BY observed_at, id LIMIT 100",
    )
    .bind(id)
    .fetch_all(db)
    .await?
    .iter()
    .map(|s| {
        Ok(IncidentSignal {
            idempotency_key: s.try_get("idempotency_key")?,
            kind: s.try_get("kind")?,
            value: s.try_get("value")?,
            unit: s.try_get("unit")?,
            observed_at: s.try_get("observed_at")?,
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    Ok(IncidentDetail {
        incident,
        signals,
        occurred_at: r.try_get("occurred_at")?,
        complained_at: r.try_get("complained_at")?,
        root_cause: r.try_get("root_cause")?,
        no_action_reason: r.try_get("no_action_reason")?,
        customer_email: r.try_get("email")?,
        actions: actions(db, id).await?,
        notices: notices(db, id).await?,
        timeline,
        associates,
        can_approve,
    })
}

pub async fn pending_approvals(db: &Db) -> Result<Vec<PendingApproval>, AppError> {
    let mut q = Sql::new(
        "SELECT x.*, c.name AS customer_name, i.description AS incident_description FROM (",
    );
    q.push(ACTIONS).push(
        " WHERE a.status = 'pending') x
         JOIN incidents i ON i.id = x.incident_id JOIN customers c ON c.id = i.customer_id ORDER BY x.created_at",
    );
    let rows = q.query().fetch_all(db).await?;
    rows.iter()
        .map(|r| {
            Ok(PendingApproval {
                action: action(r)?,
                customer_name: r.try_get("customer_name")?,
                incident_description: r.try_get("incident_description")?,
            })
        })
        .collect()
}

/// A customer's own incidents, as their portal shows them.
pub async fn for_portal(db: &Db, customer_id: i64) -> Result<Vec<PortalIncident>, AppError> {
    let rows = sqlx::query(
        "SELECT i.id, k.name AS category, i.status, i.proactive, i.subject_ref, i.occurred_at, i.resolved_at
         FROM incidents i JOIN incident_categories k ON k.id = i.category_id
         WHERE i.customer_id = $1 ORDER BY i.occurred_at DESC LIMIT 100",
    )
    .bind(customer_id)
    .fetch_all(db)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        out.push(PortalIncident {
            id,
            category: r.try_get("category")?,
            status: Status::decode(&r.try_get::<String, _>("status")?, "incidents", id)?,
            proactive: r.try_get::<i64, _>("proactive")? == 1,
            subject_ref: r.try_get("subject_ref")?,
            occurred_at: r.try_get("occurred_at")?,
            resolved_at: r.try_get("resolved_at")?,
            actions: actions(db, id)
                .await?
                .into_iter()
                .filter(|a| a.status != ActionStatus::Declined)
                .map(|a| PortalAction {
                    pending: a.status == ActionStatus::Pending,
                    kind: a.kind,
                    amount: a.amount,
                })
                .collect(),
            notices: notices(db, id)
                .await?
                .into_iter()
                .map(|n| PortalNotice {
                    subject: n.subject,
                    body: n.body,
                    created_at: n.created_at,
                })
                .collect(),
            my_rating: sqlx::query_as(
                "SELECT score, comment FROM feedback
                 WHERE incident_id = $1 AND customer_id = $2 AND channel = 'portal' ORDER BY id LIMIT 1",
            )
            .bind(id)
            .bind(customer_id)
            .fetch_optional(db)
            .await?,
        });
    }
    Ok(out)
}
