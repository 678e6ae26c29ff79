//! Reading incidents: the filtered list, the incident page, the approval queue, the portal.
use super::money::Money;
use super::sla::ServiceLevels;
use super::*;
use crate::db::{now_ms, Db};
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
    let severity = Severity::parse(&r.try_get::<String, _>("severity")?).unwrap_or(Severity::Minor);
    let detected_at: i64 = r.try_get("detected_at")?;
    let acknowledged_at: Option<i64> = r.try_get("acknowledged_at")?;
    let resolved_at: Option<i64> = r.try_get("resolved_at")?;
    Ok(IncidentRow {
        id: r.try_get("id")?,
        customer_id: r.try_get("customer_id")?,
        customer_name: r.try_get("customer_name")?,
        category: r.try_get("category")?,
        severity,
        source: Source::parse(&r.try_get::<String, _>("source")?).unwrap_or(Source::Staff),
        status: Status::parse(&r.try_get::<String, _>("status")?).unwrap_or(Status::Open),
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

/// The SQL condition for "past its service level now": unacknowledged past the acknowledge
/// time, or acknowledged and unresolved past the resolve time, per severity.
fn overdue_condition(levels: &ServiceLevels, now: i64) -> String {
    let mut parts = Vec::new();
    for s in Severity::ALL {
        let ack = now - levels.acknowledge_ms(*s);
        let res = now - levels.resolve_ms(*s);
        parts.push(format!(
            "(i.severity = '{sev}' AND ((i.acknowledged_at IS NULL AND i.detected_at < {ack}) OR (i.acknowledged_at IS NOT NULL AND i.detected_at < {res})))",
            sev = s.as_str()
        ));
    }
    format!("(i.status <> 'resolved' AND ({}))", parts.join(" OR "))
}

/// The WHERE clause of a filter with its bound values, texts first, then numbers.
struct Clause {
    sql: String,
    texts: Vec<String>,
    numbers: Vec<i64>,
    needs_customer: bool,
}

impl Clause {
    /// Every value is bound; only fixed fragments and numbers computed here enter the SQL text.
    fn of(f: &IncidentFilter, levels: &ServiceLevels, now: i64) -> Self {
        let mut conditions: Vec<String> = Vec::new();
        let mut texts: Vec<String> = Vec::new();
        let mut numbers: Vec<i64> = Vec::new();
        let text_filters = [
            ("i.status", f.status.map(|s| s.as_str())),
            ("i.severity", f.severity.map(|s| s.as_str())),
            ("i.source", f.source.map(|s| s.as_str())),
        ];
        for (column, value) in text_filters {
            if let Some(v) = value {
                texts.push(v.to_string());
                conditions.push(format!("{column} = ${}", texts.len()));
            }
        }
        if !f.q.trim().is_empty() {
            texts.push(crate::db::like_pattern(&f.q));
            let n = texts.len();
            conditions.push(format!(
                "(LOWER(i.description) LIKE ${n} ESCAPE '\\' OR LOWER(COALESCE(i.subject_ref, '')) LIKE ${n} ESCAPE '\\' OR LOWER(c.name) LIKE ${n} ESCAPE '\\')"
            ));
        }
        let week = f.week.map(|(start, end)| [start, end]);
        let number_filters = [
            ("i.category_id = ${}", f.category_id.map(|v| vec![v])),
            ("i.assignee_id = ${}", f.assignee_id.map(|v| vec![v])),
            ("i.customer_id = ${}", f.customer_id.map(|v| vec![v])),
            (
                "i.detected_at >= ${} AND i.detected_at < ${}",
                week.map(Vec::from),
            ),
        ];
        for (fragment, values) in number_filters {
            if let Some(values) = values {
                let mut sql = fragment.to_string();
                for v in values {
                    numbers.push(v);
                    sql = sql.replacen("${}", &format!("${}", texts.len() + numbers.len()), 1);
                }
                conditions.push(sql);
            }
        }
        if f.overdue {
            conditions.push(overdue_condition(levels, now));
        }
        if f.proactive {
            conditions.push("i.proactive = 1".to_string());
        }
        let sql = if conditions.is_empty() {
            "1 = 1".to_string()
        } else {
            conditions.join(" AND ")
        };
        Self {
            sql,
            texts,
            numbers,
            needs_customer: !f.q.trim().is_empty(),
        }
    }

    /// The count's statement: customers are joined only when the search needs their names,
    /// so counting a week of incidents reads only the incidents' time index.
    fn count_sql(&self) -> String {
        let from = if self.needs_customer {
            COUNT
        } else {
            "SELECT COUNT(*) FROM incidents i"
        };
        format!("{from} WHERE {}", self.sql)
    }

    fn params(&self) -> usize {
        self.texts.len() + self.numbers.len()
    }

    fn bind<'q, O>(
        &self,
        mut q: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
        for t in &self.texts {
            q = q.bind(t.clone());
        }
        for v in &self.numbers {
            q = q.bind(*v);
        }
        q
    }

    fn bind_rows<'q>(
        &self,
        mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        for t in &self.texts {
            q = q.bind(t.clone());
        }
        for v in &self.numbers {
            q = q.bind(*v);
        }
        q
    }
}

const COUNT: &str = "SELECT COUNT(*) FROM incidents i JOIN customers c ON c.id = i.customer_id";

/// How many incidents match a filter (the page number and sort are ignored).
pub async fn count(db: &Db, f: &IncidentFilter) -> Result<i64, AppError> {
    let levels = super::settings::queries::service_levels(db).await?;
    let clause = Clause::of(f, &levels, now_ms());
    let (total,): (i64,) = clause
        .bind(sqlx::query_as(&clause.count_sql()))
        .fetch_one(db)
        .await?;
    Ok(total)
}

pub async fn list(db: &Db, f: &IncidentFilter) -> Result<IncidentPage, AppError> {
    let levels = super::settings::queries::service_levels(db).await?;
    let now = now_ms();
    let clause = Clause::of(f, &levels, now);
    let order = match f.sort.as_str() {
        "oldest" => "i.detected_at ASC, i.id ASC",
        "severity" => "CASE i.severity WHEN 'critical' THEN 0 WHEN 'major' THEN 1 ELSE 2 END, i.detected_at DESC",
        "customer" => "LOWER(c.name) ASC, i.detected_at DESC",
        _ => "i.detected_at DESC, i.id DESC",
    };
    let page = crate::db::page_number(f.page)?;
    let n = clause.params();
    let (total,): (i64,) = clause
        .bind(sqlx::query_as(&clause.count_sql()))
        .fetch_one(db)
        .await?;
    let list_sql = format!(
        "{SELECT} WHERE {} ORDER BY {order} LIMIT ${} OFFSET ${}",
        clause.sql,
        n + 1,
        n + 2
    );
    let rows = clause
        .bind_rows(sqlx::query(&list_sql))
        .bind(PER_PAGE)
        .bind((page - 1) * PER_PAGE)
        .fetch_all(db)
        .await?;
    let items = rows
        .iter()
        .map(|r| row(r, &levels, now))
        .collect::<Result<_, _>>()?;
    Ok(IncidentPage {
        items,
        total,
        page,
        per_page: PER_PAGE,
    })
}

pub async fn find_row(db: &Db, id: i64) -> Result<IncidentRow, AppError> {
    let levels = super::settings::queries::service_levels(db).await?;
    let r = sqlx::query(&format!("{SELECT} WHERE i.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or_else(|| AppError::NotFound("That incident".into()))?;
    row(&r, &levels, now_ms())
}

fn action(r: &AnyRow) -> Result<RecoveryAction, AppError> {
    Ok(RecoveryAction {
        id: r.try_get("id")?,
        incident_id: r.try_get("incident_id")?,
        kind: ActionKind::parse(&r.try_get::<String, _>("kind")?).unwrap_or(ActionKind::Other),
        amount: Money {
            minor: r.try_get("amount_minor")?,
            currency: r.try_get("currency")?,
        },
        status: ActionStatus::parse(&r.try_get::<String, _>("status")?)
            .unwrap_or(ActionStatus::Pending),
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
    let rows = sqlx::query(&format!(
        "{ACTIONS} WHERE a.incident_id = $1 ORDER BY a.created_at, a.id"
    ))
    .bind(incident_id)
    .fetch_all(db)
    .await?;
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
    let rows = sqlx::query(&format!(
        "SELECT x.*, c.name AS customer_name, i.description AS incident_description FROM ({ACTIONS} WHERE a.status = 'pending') x
         JOIN incidents i ON i.id = x.incident_id JOIN customers c ON c.id = i.customer_id ORDER BY x.created_at"
    ))
    .fetch_all(db)
    .await?;
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
            status: Status::parse(&r.try_get::<String, _>("status")?).unwrap_or(Status::Open),
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
