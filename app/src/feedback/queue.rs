//! The follow-up queues (mine, team, overdue, due today, closed, all) and the filters a
//! report's figure opens them with: closed in a week, on time or late, overdue at a week's end,
//! outcome, assessment, reached, assignee and team.
use super::follow_ups::{row, SELECT};
use super::*;
use crate::db::{now_ms, Db, Sql};
use crate::error::AppError;
use crate::org::visibility::Reach;

/// Which queue to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Queue {
    Mine,
    Team,
    Overdue,
    DueToday,
    Closed,
    /// Open and closed alike: where the filters do the narrowing.
    All,
}

impl Queue {
    pub fn parse(input: &str) -> Option<Self> {
        Some(match input {
            "mine" => Self::Mine,
            "team" => Self::Team,
            "overdue" => Self::Overdue,
            "today" => Self::DueToday,
            "closed" => Self::Closed,
            "all" => Self::All,
            _ => return None,
        })
    }

    /// Adds the queue's conditions on follow-ups `u` to a statement ending in `WHERE `, narrowed
    /// to what `viewer` may see; `end_of_day` (the next local midnight) bounds what is due today.
    fn narrow(self, q: &mut Sql, viewer: i64, reach: Reach, now: i64, end_of_day: i64) {
        match self {
            Self::Mine => q
                .push("u.status = 'open' AND u.assignee_id = ")
                .bind(viewer),
            Self::Team => q.push("u.status = 'open'"),
            Self::Overdue => q.push("u.status = 'open' AND u.due_at <= ").bind(now),
            Self::DueToday => q
                .push("u.status = 'open' AND u.due_at > ")
                .bind(now)
                .push(" AND u.due_at < ")
                .bind(end_of_day),
            Self::Closed => q.push("u.status = 'closed'"),
            Self::All => q.push("1 = 1"),
        };
        reach.narrow(q, "u.assignee_id", viewer);
    }
}

/// Closed by the due time, or after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    OnTime,
    Late,
}

/// What a queue is narrowed to beyond its own rule.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FollowUpFilter {
    /// [start, end) of an ISO week, on the closing time.
    pub closed_week: Option<(i64, i64)>,
    /// Overdue at this moment: opened before it, due by it, not closed by it.
    pub overdue_at: Option<i64>,
    pub due: Option<Due>,
    pub outcome: Option<Outcome>,
    pub assessment: Option<Assessment>,
    /// Closed having reached the customer (any outcome but unreachable).
    pub reached: bool,
    pub assignee_id: Option<i64>,
    /// Assigned to a current member of this team.
    pub team_id: Option<i64>,
}

impl FollowUpFilter {
    fn narrow(&self, q: &mut Sql) {
        if let Some((from, to)) = self.closed_week {
            q.push(" AND u.closed_at >= ")
                .bind(from)
                .push(" AND u.closed_at < ")
                .bind(to);
        }
        if let Some(at) = self.overdue_at {
            q.push(" AND u.opened_at < ")
                .bind(at)
                .push(" AND u.due_at <= ")
                .bind(at)
                .push(" AND (u.closed_at IS NULL OR u.closed_at > ")
                .bind(at)
                .push(")");
        }
        match self.due {
            Some(Due::OnTime) => q.push(" AND u.closed_at <= u.due_at"),
            Some(Due::Late) => q.push(" AND u.closed_at > u.due_at"),
            None => q,
        };
        if let Some(o) = self.outcome {
            q.push(" AND u.outcome = ").bind(o.as_str());
        }
        if let Some(a) = self.assessment {
            q.push(" AND u.assessment = ").bind(a.as_str());
        }
        if self.reached {
            q.push(" AND u.status = 'closed' AND u.outcome <> 'unreachable'");
        }
        crate::org::scope::StaffScope::owned_by(q, "u.assignee_id", self.assignee_id, self.team_id);
    }
}

/// A queue and its filters as the page URL (and the API and CSV export) carry them: every one
/// text, "" meaning any.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct FollowUpQuery {
    pub queue: String,
    pub closed_week: String,
    pub overdue_week: String,
    pub due: String,
    pub outcome: String,
    pub assessment: String,
    pub reached: String,
    pub assignee: String,
    pub team: String,
    pub page: Option<i64>,
}

/// The query's filter keys, for the page's pagination and summary.
pub const FILTER_KEYS: [&str; 8] = [
    "closed_week",
    "overdue_week",
    "due",
    "outcome",
    "assessment",
    "reached",
    "assignee",
    "team",
];

impl FollowUpQuery {
    /// The queue ("" being `default`) and filter it names, or the first field that is not
    /// valid.
    pub async fn read(self, db: &Db, default: Queue) -> Result<(Queue, FollowUpFilter), AppError> {
        let tz = crate::org::clock::time_zone(db).await?;
        let week = |field: &str, w: &str| {
            crate::org::clock::optional_week(tz, w).map_err(|m| AppError::field(field, m))
        };
        let queue = match self.queue.trim() {
            "" => default,
            q => Queue::parse(q).ok_or_else(|| {
                AppError::field("queue", "Choose mine, team, overdue, today, closed or all.")
            })?,
        };
        let due = match self.due.trim() {
            "" => None,
            "on_time" => Some(Due::OnTime),
            "late" => Some(Due::Late),
            _ => return Err(AppError::field("due", "Choose on_time or late.")),
        };
        let choice = |v: &str, field: &str, ok: Option<()>| match (v.trim(), ok) {
            ("", _) | (_, Some(())) => Ok(()),
            (v, None) => Err(AppError::field(
                field,
                format!("'{v}' is not a valid {field}."),
            )),
        };
        let outcome = Outcome::parse(self.outcome.trim());
        choice(&self.outcome, "outcome", outcome.map(|_| ()))?;
        let assessment = Assessment::parse(self.assessment.trim());
        choice(&self.assessment, "assessment", assessment.map(|_| ()))?;
        // At a week's end, or now while the week runs: as the weekly figure counts it.
        let overdue_at =
            week("overdue_week", &self.overdue_week)?.map(|(_, end)| end.min(now_ms()));
        Ok((
            queue,
            FollowUpFilter {
                closed_week: week("closed_week", &self.closed_week)?,
                overdue_at,
                due,
                outcome,
                assessment,
                reached: AppError::optional_flag(&self.reached, "reached")?,
                assignee_id: AppError::optional_id(&self.assignee, "assignee")?,
                team_id: AppError::optional_id(&self.team, "team")?,
            },
        ))
    }
}

pub(super) async fn end_of_today(db: &Db, now: i64) -> Result<i64, AppError> {
    let tz = crate::org::clock::time_zone(db).await?;
    Ok(crate::org::clock::end_of_day(tz, now))
}

async fn count(
    db: &Db,
    queue: Queue,
    filter: &FollowUpFilter,
    viewer: i64,
    reach: Reach,
    now: i64,
) -> Result<i64, AppError> {
    let end_of_day = end_of_today(db, now).await?;
    // The statement holds its WHERE once the queue's rule is in.
    let mut q = Sql::filtered("SELECT COUNT(*) FROM follow_ups u WHERE ");
    queue.narrow(&mut q, viewer, reach, now, end_of_day);
    filter.narrow(&mut q);
    Ok(q.query_scalar().fetch_one(db).await?)
}

/// The viewer's open follow-ups and the organisation's overdue ones, each counted up to
/// `BADGE_CAP` + 1, for the navigation badge.
pub async fn badge(db: &Db, viewer: i64, reach: Reach) -> Result<BadgeCounts, AppError> {
    let now = now_ms();
    let mut counted = [0; 2];
    for (n, queue) in counted.iter_mut().zip([Queue::Mine, Queue::Overdue]) {
        let mut q = Sql::new("SELECT 1 FROM follow_ups u WHERE ");
        // Neither queue reads the end of the day, which would cost a look-up per page.
        queue.narrow(&mut q, viewer, reach, now, now);
        *n = q
            .capped_count(BADGE_CAP)
            .query_scalar()
            .fetch_one(db)
            .await?;
    }
    Ok(BadgeCounts {
        mine: counted[0],
        overdue: counted[1],
    })
}

/// The viewer's open follow-ups and the overdue ones in their reach, for the dashboard: the
/// totals of the "mine" and "overdue" queues, counted side by side.
pub async fn mine_and_overdue(db: &Db, viewer: i64, reach: Reach) -> Result<(i64, i64), AppError> {
    let now = now_ms();
    let count = |queue: Queue| {
        let mut q = Sql::new("SELECT COUNT(*) FROM follow_ups u WHERE ");
        // Neither queue reads the end of the day.
        queue.narrow(&mut q, viewer, reach, now, now);
        async move { q.query_scalar::<i64>().fetch_one(db).await }
    };
    Ok(tokio::try_join!(count(Queue::Mine), count(Queue::Overdue))?)
}

/// The size of every open queue, for the queue's tabs.
pub async fn counts(db: &Db, viewer: i64, reach: Reach) -> Result<QueueCounts, AppError> {
    let now = now_ms();
    let none = FollowUpFilter::default();
    Ok(QueueCounts {
        mine: count(db, Queue::Mine, &none, viewer, reach, now).await?,
        team: count(db, Queue::Team, &none, viewer, reach, now).await?,
        overdue: count(db, Queue::Overdue, &none, viewer, reach, now).await?,
        due_today: count(db, Queue::DueToday, &none, viewer, reach, now).await?,
    })
}

pub const PAGE_SIZE: i64 = 25;

/// Who is looking at a queue: a staff member and their reach. An API token sees everything
/// and has no queue of its own.
#[derive(Clone, Copy, Debug)]
pub struct Looker {
    pub viewer: i64,
    pub reach: Reach,
}

/// One page of a queue: open ones riskiest first, then soonest due; closed ones newest first;
/// all of them newest opened first.
pub async fn queue(
    db: &Db,
    queue: Queue,
    filter: &FollowUpFilter,
    who: Looker,
    page: i64,
) -> Result<FollowUpQueue, AppError> {
    let now = now_ms();
    let page = crate::db::page_number(page)?;
    let order = match queue {
        Queue::Closed => "u.closed_at DESC, u.id DESC",
        Queue::All => "u.opened_at DESC, u.id DESC",
        _ => "u.risk DESC, u.due_at ASC, u.id ASC",
    };
    let eod = end_of_today(db, now).await?;
    // The statement holds its WHERE once the queue's rule is in.
    let mut q = Sql::filtered(SELECT);
    q.push(" WHERE ");
    queue.narrow(&mut q, who.viewer, who.reach, now, eod);
    filter.narrow(&mut q);
    q.push(" ORDER BY ")
        .push(order)
        .push(" LIMIT ")
        .bind(PAGE_SIZE)
        .push(" OFFSET ")
        .bind((page - 1) * PAGE_SIZE);
    let items = q
        .query()
        .fetch_all(db)
        .await?
        .iter()
        .map(|r| row(r, eod))
        .collect::<Result<Vec<_>, _>>()?;
    let counts = counts(db, who.viewer, who.reach).await?;
    let total = match queue {
        _ if *filter != FollowUpFilter::default() => {
            count(db, queue, filter, who.viewer, who.reach, now).await?
        }
        Queue::Mine => counts.mine,
        Queue::Team => counts.team,
        Queue::Overdue => counts.overdue,
        Queue::DueToday => counts.due_today,
        Queue::Closed | Queue::All => count(db, queue, filter, who.viewer, who.reach, now).await?,
    };
    Ok(FollowUpQueue {
        items,
        total,
        page,
        page_size: PAGE_SIZE,
        counts,
    })
}

/// The next follow-ups of a whole filtered queue, newest opened first, after the one at `after`
/// (opened_at, id): an export walks them a chunk at a time.
pub async fn export_chunk(
    db: &Db,
    (queue, filter): &(Queue, FollowUpFilter),
    who: Looker,
    after: Option<(i64, i64)>,
) -> Result<Vec<FollowUpRow>, AppError> {
    let now = now_ms();
    let eod = end_of_today(db, now).await?;
    // The statement holds its WHERE once the queue's rule is in.
    let mut q = Sql::filtered(SELECT);
    q.push(" WHERE ");
    queue.narrow(&mut q, who.viewer, who.reach, now, eod);
    filter.narrow(&mut q);
    q.after("u.opened_at", "u.id", after);
    q.push(" ORDER BY u.opened_at DESC, u.id DESC LIMIT ")
        .bind(crate::db::EXPORT_CHUNK);
    q.query()
        .persistent(false)
        .fetch_all(db)
        .await?
        .iter()
        .map(|r| row(r, eod))
        .collect()
}
