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
    /// [start, end) of an ISO week, on the resolution time.
    pub resolved_week: Option<(i64, i64)>,
    /// [start, end): incidents with recovery money applied then (in `currency`, when given).
    pub spend_week: Option<(i64, i64)>,
    /// Incidents with recovery money applied in this currency.
    pub currency: Option<String>,
    /// Assigned to a current member of this team.
    pub team_id: Option<i64>,
    pub overdue: bool,
    /// Only incidents detected before any complaint.
    pub proactive: bool,
    pub q: String,
    pub sort: String,
    pub page: i64,
}

/// The list's filters as its page URL (and its CSV export's) carries them: every one text, ""
/// meaning any.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct IncidentQuery {
    pub status: String,
    pub category: String,
    pub severity: String,
    pub source: String,
    pub assignee: String,
    pub customer: String,
    pub week: String,
    pub resolved_week: String,
    pub spend_week: String,
    pub currency: String,
    pub team: String,
    pub overdue: String,
    pub proactive: String,
    pub q: String,
    pub sort: String,
    pub page: i64,
}

impl IncidentQuery {
    /// The filter it names, or the first field that is not valid.
    pub async fn filter(self, db: &Db) -> Result<IncidentFilter, AppError> {
        let tz = crate::org::clock::time_zone(db).await?;
        let week = |field: &str, w: &str| {
            crate::org::clock::optional_week(tz, w).map_err(|m| AppError::field(field, m))
        };
        Ok(IncidentFilter {
            status: Status::parse(&self.status),
            category_id: AppError::optional_id(&self.category, "category")?,
            severity: Severity::parse(&self.severity),
            source: Source::parse(&self.source),
            assignee_id: AppError::optional_id(&self.assignee, "assignee")?,
            customer_id: AppError::optional_id(&self.customer, "customer")?,
            week: week("week", &self.week)?,
            resolved_week: week("resolved_week", &self.resolved_week)?,
            spend_week: week("spend_week", &self.spend_week)?,
            currency: crate::common::money::optional_currency(&self.currency)
                .map_err(|m| AppError::field("currency", m))?,
            team_id: AppError::optional_id(&self.team, "team")?,
            overdue: AppError::optional_flag(&self.overdue, "overdue")?,
            proactive: AppError::optional_flag(&self.proactive, "proactive")?,
            q: self.q,
            sort: self.sort,
            page: self.page,
        })
    }
}

/// What an export reads once before its chunks: the service levels rows are measured against,
/// and the moment they are measured at.
pub async fn export_start(db: &Db) -> Result<(ServiceLevels, i64), AppError> {
    Ok((
        super::settings::queries::service_levels(db).await?,
        now_ms(),
    ))
}

/// The next rows of the whole filtered list, newest first, after the row at `after`
/// (detected_at, id): an export walks them chunk by chunk, holding one chunk at a time.
pub async fn export_chunk(
    db: &Db,
    f: &IncidentFilter,
    (levels, now): &(ServiceLevels, i64),
    after: Option<(i64, i64)>,
) -> Result<Vec<IncidentRow>, AppError> {
    let (levels, now) = (levels, *now);
    let keyword = Keyword::parse(&f.q, crate::db::dialect(db));
    let mut q = filtered(SELECT, f, keyword.as_ref(), levels, now);
    q.after("i.detected_at", "i.id", after);
    q.push(" ORDER BY i.detected_at DESC, i.id DESC LIMIT ")
        .bind(crate::db::EXPORT_CHUNK);
    q.query()
        .persistent(false)
        .fetch_all(db)
        .await?
        .iter()
        .map(|r| row(r, levels, now))
        .collect()
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
    q.and();
    overdue_condition(q, levels, now);
}

/// The condition that an incident `i` is past its service level at `now`.
fn overdue_condition(q: &mut Sql, levels: &ServiceLevels, now: i64) {
    q.push("(i.status <> 'resolved' AND (");
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
/// the keyword: read from the incidents' text index on SQLite, from their search text (which
/// PostgreSQL's trigram index serves) otherwise. A term with a control character checks each
/// text on its own: a line break in it could match across two lines of the search text.
fn matching(q: &mut Sql, k: &Keyword) {
    if !k.plain() {
        q.push("(");
        k.row_matches(q, &["i.description", "COALESCE(i.subject_ref, '')"]);
        q.push(" OR ");
        k.customer_named(q, "i.customer_id");
        q.push(")");
    } else if let Some(phrase) = k.phrase() {
        q.push("i.id IN (SELECT rowid FROM incidents_search WHERE incidents_search MATCH ")
            .bind(phrase)
            .push(")");
    } else {
        k.held_by(q, "i.search_text");
    }
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
    if let Some(k) = keyword {
        matching(q.and(), k);
    }
    narrow(&mut q, f, levels, now);
    q
}

/// Adds the filter's conditions (its search aside) on incidents `i` to `q`.
fn narrow(q: &mut Sql, f: &IncidentFilter, levels: &ServiceLevels, now: i64) {
    if let Some(s) = f.status {
        q.and().push("i.status = ").bind(s.as_str());
    }
    if let Some(s) = f.severity {
        q.and().push("i.severity = ").bind(s.as_str());
    }
    if let Some(s) = f.source {
        q.and().push("i.source = ").bind(s.as_str());
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
    if let Some((start, end)) = f.resolved_week {
        q.and().push("i.resolved_at >= ").bind(start);
        q.and().push("i.resolved_at < ").bind(end);
    }
    if f.spend_week.is_some() || f.currency.is_some() {
        q.and().push(
            "EXISTS (SELECT 1 FROM recovery_actions a WHERE a.incident_id = i.id
               AND a.status = 'applied' AND a.amount_minor > 0",
        );
        if let Some((start, end)) = f.spend_week {
            q.push(" AND COALESCE(a.decided_at, a.created_at) >= ")
                .bind(start)
                .push(" AND COALESCE(a.decided_at, a.created_at) < ")
                .bind(end);
        }
        if let Some(c) = &f.currency {
            q.push(" AND a.currency = ").bind(c.as_str());
        }
        q.push(")");
    }
    crate::org::scope::StaffScope::owned_by(q, "i.assignee_id", None, f.team_id);
    if f.overdue {
        overdue(q, levels, now);
    }
    if f.proactive {
        q.and().push("i.proactive = 1");
    }
}

/// How many of the newest incidents a search reads row by row before anything else: enough
/// for a page of a term one incident in twelve holds. A term most incidents hold is counted
/// from the index, which meets its thousand matches within the first rows it reads.
const WALK: i64 = 300;
/// The furthest a second, longer walk goes when the first found some matches but too few.
const LONGEST_WALK: i64 = 8_800;

/// How a search of the newest-first list is answered.
enum Newest {
    /// By walking the newest incidents: the page's ids and the total.
    Walked(Vec<i64>, (i64, bool)),
    /// By the text index.
    Indexed,
}

/// A search of the newest-first list answered by walking the newest incidents the other
/// filters name and checking each row, where the text index would list every match before
/// the newest could be picked (a word most incidents hold matches hundreds of thousands). When
/// the first walk finds some matches but too few for the page, a second walk goes as far as
/// their density says the page needs; when it finds none, the text index answers.
async fn newest_matches(
    db: &Db,
    f: &IncidentFilter,
    k: &Keyword,
    levels: &ServiceLevels,
    now: i64,
    page: i64,
) -> Result<Newest, AppError> {
    let offset = (page - 1) * PER_PAGE;
    let needed = offset + PER_PAGE;
    let limit = offset + crate::db::COUNT_CAP;
    let mut window = WALK;
    let (walked, total) = loop {
        let walked = walk(db, f, k, levels, now, window, needed).await?;
        let found = walked.found;
        if found > limit {
            break (walked, (limit, true));
        }
        // Every match is in the walk when it reached the oldest incident the filters name.
        if walked.complete {
            break (walked, (found, false));
        }
        if found >= needed {
            // A full page from the walk is the newest, but only the indexes can count the rest,
            // from the newest on as far as twice what the walk's share of matches says the cap
            // needs.
            let reach = 2 * (limit + 1) * window / found;
            let total = match newest_past_cap(db, f, k, levels, now, reach, page).await? {
                Some(total) => total,
                None => {
                    let matches = streamed_matches(f, k, levels, now);
                    crate::db::capped_total(db, matches, page, PER_PAGE).await?
                }
            };
            break (walked, total);
        }
        if found == 0 || window >= LONGEST_WALK {
            return Ok(Newest::Indexed);
        }
        window = (needed * window * 3 / (2 * found)).clamp(window + 1, LONGEST_WALK);
    };
    let ids = walked
        .newest
        .into_iter()
        .skip(offset as usize)
        .take(PER_PAGE as usize)
        .collect();
    Ok(Newest::Walked(ids, total))
}

/// What a walk of the newest incidents found.
struct Walk {
    /// The ids of the newest matches, as many as the page needs, newest first.
    newest: Vec<i64>,
    /// How many of the walked incidents match.
    found: i64,
    /// Whether the walk reached the oldest incident the filters name.
    complete: bool,
}

/// Checks the newest `window` incidents the filters name for the keyword, keeping the newest
/// `needed` matches. One statement: the walked rows are read once, and only the page's matches
/// and two counts come back.
async fn walk(
    db: &Db,
    f: &IncidentFilter,
    k: &Keyword,
    levels: &ServiceLevels,
    now: i64,
    window: i64,
    needed: i64,
) -> Result<Walk, AppError> {
    let mut q = Sql::new("WITH w AS MATERIALIZED (SELECT i.id, i.detected_at, CASE WHEN ");
    k.held_by(&mut q, "i.search_text");
    q.push(" THEN 1 ELSE 0 END AS hit FROM incidents i");
    narrow(&mut q, f, levels, now);
    // Ids are positive: -1 and -2 mark the rows carrying the counts.
    q.push(" ORDER BY i.detected_at DESC, i.id DESC LIMIT ")
        .bind(window + 1)
        .push(
            ") SELECT id, detected_at FROM (SELECT id, detected_at FROM w WHERE hit = 1 \
             ORDER BY detected_at DESC, id DESC LIMIT ",
        )
        .bind(needed)
        .push(
            ") p UNION ALL SELECT -1, COUNT(*) FROM w WHERE hit = 1 \
             UNION ALL SELECT -2, COUNT(*) FROM w",
        );
    let rows: Vec<(i64, i64)> = q.query_as().persistent(false).fetch_all(db).await?;
    let count = |marker: i64| rows.iter().find(|(id, _)| *id == marker).map_or(0, |r| r.1);
    let mut newest: Vec<(i64, i64)> = rows.iter().copied().filter(|(id, _)| *id > 0).collect();
    newest.sort_by_key(|&(id, at)| std::cmp::Reverse((at, id)));
    Ok(Walk {
        newest: newest.into_iter().map(|(id, _)| id).collect(),
        found: count(-1),
        complete: count(-2) <= window,
    })
}

/// The most incidents [`newest_past_cap`] reads: past this, counting from the text index costs
/// no more.
const LONGEST_COUNT: i64 = 40_000;

/// The capped total of a term the walk found often, when more than the cap of the newest
/// `reach` incidents hold it: on PostgreSQL the newest incidents' search texts are read in
/// order from an index holding them (`incidents_newest_text_idx`) until the cap is passed, where
/// the text index's matches of a term one incident in twelve holds (a surname) are a scan of a
/// tenth of the table or of long trigram lists. `None` when `reach` is past [`LONGEST_COUNT`]
/// or the cap is not passed by then (or on SQLite, whose text index counts such terms itself),
/// and the text index counts.
async fn newest_past_cap(
    db: &Db,
    f: &IncidentFilter,
    k: &Keyword,
    levels: &ServiceLevels,
    now: i64,
    reach: i64,
    page: i64,
) -> Result<Option<(i64, bool)>, AppError> {
    if crate::db::dialect(db) != crate::db::Dialect::Postgres || reach > LONGEST_COUNT {
        return Ok(None);
    }
    let mut q = Sql::new("SELECT 1 FROM (SELECT i.search_text FROM incidents i");
    narrow(&mut q, f, levels, now);
    q.push(" ORDER BY i.detected_at DESC, i.id DESC LIMIT ")
        .bind(reach)
        .push(") s WHERE ");
    k.held_by(&mut q, "s.search_text");
    let total = crate::db::capped_total(db, q, page, PER_PAGE).await?;
    Ok(total.1.then_some(total))
}

/// The statement selecting one row per incident the filters name that holds the keyword, read
/// from the text index in the index's order: a capped count over it stops at the cap, where
/// counting through an `IN` list would read every match first.
fn streamed_matches(f: &IncidentFilter, k: &Keyword, levels: &ServiceLevels, now: i64) -> Sql {
    let mut q = match k.phrase() {
        Some(phrase) => {
            // SQLite's CROSS JOIN keeps the text index as the outer loop.
            let mut q = Sql::filtered(
                "SELECT 1 FROM incidents_search s CROSS JOIN incidents i ON i.id = s.rowid \
                 WHERE incidents_search MATCH ",
            );
            q.bind(phrase);
            q
        }
        None => {
            let mut q = Sql::filtered("SELECT 1 FROM incidents i WHERE ");
            k.held_by(&mut q, "i.search_text");
            q
        }
    };
    narrow(&mut q, f, levels, now);
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

/// The unresolved incidents the dashboard counts, each figure the total its list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenWork {
    /// Open, not yet picked up (`?status=open`).
    pub open: i64,
    /// Being recovered (`?status=recovering`).
    pub recovering: i64,
    /// Past their service level (`?overdue=true`).
    pub overdue: i64,
    /// Assigned to the viewer, unresolved (`?assignee=<viewer>`, open and recovering).
    pub mine: i64,
}

/// Counts the open work in one pass over the unresolved incidents (a partial index holds
/// them), where one count per figure read them four times and the service levels with each.
pub async fn open_work(db: &Db, viewer: i64) -> Result<OpenWork, AppError> {
    let levels = super::settings::queries::service_levels(db).await?;
    let mut q = Sql::new(
        "SELECT COUNT(CASE WHEN i.status = 'open' THEN 1 END) AS open,
                COUNT(CASE WHEN i.status = 'recovering' THEN 1 END) AS recovering,
                COUNT(CASE WHEN i.assignee_id = ",
    );
    q.bind(viewer)
        .push(" THEN 1 END) AS mine, COUNT(CASE WHEN ");
    overdue_condition(&mut q, &levels, now_ms());
    q.push(" THEN 1 END) AS overdue FROM incidents i WHERE i.status <> 'resolved'");
    let r = q.query().fetch_one(db).await?;
    Ok(OpenWork {
        open: r.try_get("open")?,
        recovering: r.try_get("recovering")?,
        overdue: r.try_get("overdue")?,
        mine: r.try_get("mine")?,
    })
}

/// The incidents detected in `[start, end)`, and how many of them before any complaint: two
/// counts read from indexes alone (the detection index, and a partial one on proactive ones).
pub async fn detected_between(db: &Db, (start, end): (i64, i64)) -> Result<(i64, i64), AppError> {
    let count = |text: &'static str| {
        sqlx::query_scalar::<_, i64>(text)
            .bind(start)
            .bind(end)
            .fetch_one(db)
    };
    Ok(tokio::try_join!(
        count("SELECT COUNT(*) FROM incidents WHERE detected_at >= $1 AND detected_at < $2"),
        count(
            "SELECT COUNT(*) FROM incidents WHERE proactive = 1 AND detected_at >= $1 AND detected_at < $2"
        ),
    )?)
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
    // A sort the page does not offer (an old or hand-made link) lists newest first.
    let sort = if ORDERS.iter().any(|(name, _)| *name == f.sort) {
        f.sort.as_str()
    } else {
        ""
    };
    let newest = match keyword.as_ref() {
        Some(k) if sort.is_empty() && k.walkable() => {
            newest_matches(db, f, k, &levels, now, page).await?
        }
        _ => Newest::Indexed,
    };
    let (rows, (total, total_capped)) = match newest {
        Newest::Walked(ids, total) => {
            let mut q = Sql::new(SELECT);
            q.push(" WHERE i.id IN ")
                .list(ids)
                .order_by(sort, &ORDERS)?;
            // Prepared once per page size: the statement holds no search term to plan with.
            (q.query().fetch_all(db).await?, total)
        }
        Newest::Indexed => {
            let counting = counting(f, keyword.as_ref(), &levels, now);
            let total = crate::db::capped_total(db, counting, page, PER_PAGE).await?;
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
            (rows, total)
        }
    };
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
