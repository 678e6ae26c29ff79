//! The weekly report's lists: who and what needs a manager's attention, each row linking to its
//! record. Also exported as CSV, one file per list.
use super::{ListRow, WeeklyLists};
use crate::db::{Db, Sql};
use crate::error::AppError;
use crate::org::scope::StaffScope;
use sqlx::Row;

/// Rows per list on the page; the CSV export has up to `EXPORT_ROWS`.
pub const PAGE_ROWS: i64 = 10;
pub const EXPORT_ROWS: i64 = 5000;

const DAY: i64 = 86_400_000;

/// Each list's key and title, in page order.
pub const LISTS: [(&str, &str); 5] = [
    ("at_risk", "Customers at risk"),
    ("overdue_follow_ups", "Overdue follow-ups"),
    ("approvals", "Approvals waiting"),
    ("spotlights", "Spotlight stories this week"),
    ("without_story", "Associates without a story this week"),
];

fn money(minor: i64, currency: &str) -> String {
    crate::common::money::Money {
        minor,
        currency: currency.into(),
    }
    .display()
}

/// Why a customer at risk is at risk, in words.
fn why(
    segment: &str,
    open_incidents: i64,
    open_follow_ups: i64,
    last_order: Option<i64>,
    now: i64,
) -> String {
    let mut reasons = Vec::new();
    if segment == "detractor" {
        reasons.push("their latest answer was unhappy".to_string());
    }
    if open_incidents > 0 {
        reasons.push(format!("{open_incidents} unresolved incident(s)"));
    }
    if open_follow_ups > 0 {
        reasons.push(format!("{open_follow_ups} open follow-up(s)"));
    }
    match last_order {
        Some(at) if now - at > 90 * DAY => {
            reasons.push(format!("no order for {} days", (now - at) / DAY))
        }
        None => reasons.push("no orders yet".into()),
        _ => {}
    }
    if reasons.is_empty() {
        reasons.push("a middling score with little to lift it".into());
    }
    reasons.join("; ")
}

/// A list's count is exact up to this; past it the page says "100+" (the lists are for acting
/// on; the figures above them carry the full counts, and counting further here would cost
/// more as the customer base grows).
pub const COUNT_CAP: i64 = 100;

/// Passives and detractors with something open: an unresolved incident or an open follow-up
/// (assigned in scope), detractors first, lowest score first. Read from the open-work table,
/// which carries each customer's standing (kept by triggers), in standing order: for the whole
/// organisation the read stops at the cap; for a team or a person it sorts only their open work.
/// One pass finds them (up to the cap, which gives the count), a second reads the details of
/// those shown.
async fn at_risk(
    db: &Db,
    scope: StaffScope,
    limit: i64,
    now: i64,
) -> Result<(i64, Vec<ListRow>), AppError> {
    let want = (COUNT_CAP + 1).max(limit);
    // The organisation's are read in standing order and the read stops at the cap; a team's
    // or a person's are read by assignee and sorted (walking everyone's in standing order to
    // find one team's is the plan a database may otherwise pick: the `+ 0` rules it out).
    let order = match scope {
        StaffScope::Organisation => "w.loyalty_score",
        _ => "w.loyalty_score + 0",
    };
    let mut found: Vec<i64> = Vec::new();
    for segment in ["detractor", "passive"] {
        let room = want - found.len() as i64;
        if room <= 0 {
            break;
        }
        let mut q = Sql::new("SELECT DISTINCT ");
        q.push(order)
            .push(" AS score, w.customer_id FROM open_work w WHERE w.loyalty_segment = ")
            .bind(segment);
        scope.narrow(&mut q, "w.assignee_id");
        q.push(" ORDER BY score, w.customer_id LIMIT ").bind(room);
        let page: Vec<(Option<i64>, i64)> = q.query_as().fetch_all(db).await?;
        found.extend(page.into_iter().map(|(_, customer)| customer));
    }
    let total = found.len() as i64;
    found.truncate(limit.max(0) as usize);
    let mut rows: Vec<AtRisk> = Vec::new();
    for chunk in found.chunks(500) {
        let mut q = Sql::new(
            "SELECT c.id, c.name, c.loyalty_score, c.loyalty_segment,
                (SELECT COUNT(*) FROM incidents i WHERE i.customer_id = c.id AND i.status <> 'resolved') AS open_incidents,
                (SELECT COUNT(*) FROM follow_ups u WHERE u.customer_id = c.id AND u.status = 'open') AS open_follow_ups,
                (SELECT MAX(o.placed_at) FROM orders o WHERE o.customer_id = c.id) AS last_order
             FROM customers c WHERE c.id IN ",
        );
        q.list(chunk.iter().copied());
        rows.extend(q.query_as::<AtRisk>().fetch_all(db).await?);
    }
    rows.sort_by_key(|r| found.iter().position(|f| *f == r.id));
    let rows = rows
        .into_iter()
        .map(|r| {
            let segment = crate::loyalty::Segment::decode(&r.loyalty_segment, "customers", r.id)?;
            Ok(ListRow {
                href: format!("/customers/{}", r.id),
                title: r.name,
                detail: why(
                    segment.as_str(),
                    r.open_incidents,
                    r.open_follow_ups,
                    r.last_order,
                    now,
                ),
                note: format!(
                    "score {} · {}",
                    r.loyalty_score.map_or("—".into(), |s| s.to_string()),
                    segment.label()
                ),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok((total, rows))
}

/// A customer at risk with what puts them there.
#[derive(sqlx::FromRow)]
struct AtRisk {
    id: i64,
    name: String,
    loyalty_score: Option<i64>,
    loyalty_segment: String,
    open_incidents: i64,
    open_follow_ups: i64,
    last_order: Option<i64>,
}

async fn overdue_follow_ups(
    db: &Db,
    scope: StaffScope,
    limit: i64,
    now: i64,
) -> Result<(i64, Vec<ListRow>), AppError> {
    // The whole organisation's are walked in due order; a team's or a person's are read from
    // the queue index by assignee and the first few sorted (walking every open follow-up in due
    // order to find one team's is what both databases would otherwise do). SQLite, without
    // statistics, also needs the `+` on the condition to stay off the due-time index.
    let (due, order) = match (scope, crate::db::dialect(db)) {
        (StaffScope::Organisation, _) => ("u.due_at < ", "u.due_at"),
        (_, crate::db::Dialect::Sqlite) => ("+u.due_at < ", "u.due_at + 0"),
        (_, crate::db::Dialect::Postgres) => ("u.due_at < ", "u.due_at + 0"),
    };
    let overdue = |q: &mut Sql| {
        q.push(" FROM follow_ups u WHERE u.status = 'open' AND ")
            .push(due)
            .bind(now);
        scope.narrow(q, "u.assignee_id");
    };
    let mut count = Sql::new("SELECT 1");
    overdue(&mut count);
    let total: i64 = count
        .capped_count(COUNT_CAP)
        .query_scalar()
        .fetch_one(db)
        .await?;
    // The first few are picked before their customers' names are read.
    let mut q = Sql::new(
        "SELECT u.id, c.name AS customer, u.assessment, u.due_at, s.name AS assignee
         FROM (SELECT u.id, u.customer_id, u.assessment, u.due_at, u.assignee_id",
    );
    overdue(&mut q);
    q.push(" ORDER BY ")
        .push(order)
        .push(", u.id LIMIT ")
        .bind(limit)
        .push(
            ") u
         JOIN customers c ON c.id = u.customer_id
         LEFT JOIN staff_users s ON s.id = u.assignee_id
         ORDER BY u.due_at, u.id",
        );
    let rows = q.query().fetch_all(db).await?;
    let rows = rows
        .iter()
        .map(|r| {
            let due: i64 = r.try_get("due_at")?;
            Ok(ListRow {
                href: format!("/follow-ups/{}", r.try_get::<i64, _>("id")?),
                title: r.try_get("customer")?,
                detail: format!(
                    "{} answer, {} days overdue",
                    r.try_get::<String, _>("assessment")?,
                    ((now - due) / DAY).max(0)
                ),
                note: r
                    .try_get::<Option<String>, _>("assignee")?
                    .unwrap_or_else(|| "unassigned".into()),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok((total, rows))
}

async fn approvals(
    db: &Db,
    scope: StaffScope,
    limit: i64,
) -> Result<(i64, Vec<ListRow>), AppError> {
    let mut count = Sql::new(
        "SELECT COUNT(*) FROM recovery_actions a JOIN incidents i ON i.id = a.incident_id
         WHERE a.status = 'pending'",
    );
    scope.narrow(&mut count, "i.assignee_id");
    let total: i64 = count.query_scalar().fetch_one(db).await?;
    let mut q = Sql::new(
        "SELECT i.id, c.name AS customer, a.kind, a.amount_minor, a.currency, s.name AS requested_by
         FROM recovery_actions a JOIN incidents i ON i.id = a.incident_id
         JOIN customers c ON c.id = i.customer_id LEFT JOIN staff_users s ON s.id = a.created_by
         WHERE a.status = 'pending'",
    );
    scope.narrow(&mut q, "i.assignee_id");
    q.push(" ORDER BY a.created_at, a.id LIMIT ").bind(limit);
    let rows = q.query().fetch_all(db).await?;
    let rows = rows
        .iter()
        .map(|r| {
            Ok(ListRow {
                href: format!("/incidents/{}", r.try_get::<i64, _>("id")?),
                title: r.try_get("customer")?,
                detail: format!(
                    "{} of {}",
                    r.try_get::<String, _>("kind")?,
                    money(
                        r.try_get("amount_minor")?,
                        &r.try_get::<String, _>("currency")?
                    )
                ),
                note: r
                    .try_get::<Option<String>, _>("requested_by")?
                    .map(|n| format!("asked by {n}"))
                    .unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok((total, rows))
}

async fn spotlights(
    db: &Db,
    (from, to): (i64, i64),
    scope: StaffScope,
    limit: i64,
) -> Result<(i64, Vec<ListRow>), AppError> {
    let spotlighted = |q: &mut Sql| {
        q.push(" WHERE s.spotlighted_at >= ")
            .bind(from)
            .push(" AND s.spotlighted_at < ")
            .bind(to);
        scope.narrow(q, "s.associate_id");
    };
    let mut count = Sql::new("SELECT COUNT(*) FROM stories s");
    spotlighted(&mut count);
    let total: i64 = count.query_scalar().fetch_one(db).await?;
    let mut q = Sql::new(
        "SELECT s.id, s.title, u.name AS associate, s.occurred_on FROM stories s
         JOIN staff_users u ON u.id = s.associate_id",
    );
    spotlighted(&mut q);
    q.push(" ORDER BY s.spotlighted_at DESC, s.id DESC LIMIT ")
        .bind(limit);
    let rows = q.query().fetch_all(db).await?;
    let rows = rows
        .iter()
        .map(|r| {
            Ok(ListRow {
                href: format!("/stories/{}", r.try_get::<i64, _>("id")?),
                title: r.try_get("title")?,
                detail: r.try_get("associate")?,
                note: r.try_get("occurred_on")?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok((total, rows))
}

async fn without_story(
    db: &Db,
    (from, to): (String, String),
    scope: StaffScope,
    limit: i64,
) -> Result<(i64, Vec<ListRow>), AppError> {
    let storyless = |q: &mut Sql| {
        q.push(
            " WHERE u.role = 'associate' AND u.active = 1
               AND NOT EXISTS (SELECT 1 FROM stories s WHERE s.associate_id = u.id AND s.occurred_on >= ",
        )
        .bind(&from)
        .push(" AND s.occurred_on < ")
        .bind(&to)
        .push(")");
        scope.narrow(q, "u.id");
    };
    let mut count = Sql::new("SELECT COUNT(*) FROM staff_users u");
    storyless(&mut count);
    let total: i64 = count.query_scalar().fetch_one(db).await?;
    let mut q = Sql::new(
        "SELECT u.id, u.name, t.name AS team FROM staff_users u LEFT JOIN teams t ON t.id = u.team_id",
    );
    storyless(&mut q);
    q.push(" ORDER BY LOWER(u.name) LIMIT ").bind(limit);
    let rows = q.query().fetch_all(db).await?;
    let rows = rows
        .iter()
        .map(|r| {
            Ok(ListRow {
                href: format!("/stories?associate={}", r.try_get::<i64, _>("id")?),
                title: r.try_get("name")?,
                detail: "no story logged this week".into(),
                note: r
                    .try_get::<Option<String>, _>("team")?
                    .unwrap_or_else(|| "no team".into()),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok((total, rows))
}

/// Every list for the week starting `monday`, `limit` rows each.
pub async fn for_week(
    db: &Db,
    tz: chrono_tz::Tz,
    monday: chrono::NaiveDate,
    scope: StaffScope,
    limit: i64,
    now: i64,
) -> Result<WeeklyLists, AppError> {
    let range = crate::org::clock::week_range(tz, monday);
    let days = (
        monday.to_string(),
        (monday + chrono::Duration::days(7)).to_string(),
    );
    // Each list is its own read on its own pooled connection, so they run side by side.
    let (a, b, c, d, e) = tokio::try_join!(
        at_risk(db, scope, limit, now),
        overdue_follow_ups(db, scope, limit, now),
        approvals(db, scope, limit),
        spotlights(db, range, scope, limit),
        without_story(db, days, scope, limit),
    )?;
    let lists = vec![a, b, c, d, e];
    Ok(WeeklyLists {
        lists: LISTS
            .iter()
            .zip(lists)
            .map(|((key, title), (total, rows))| super::List {
                key: key.to_string(),
                title: title.to_string(),
                total: total.min(COUNT_CAP),
                more: total > COUNT_CAP,
                rows,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::why;

    #[test]
    fn says_why_a_customer_is_at_risk() {
        let now = 200 * super::DAY;
        assert_eq!(
            why("detractor", 1, 0, Some(now - 10 * super::DAY), now),
            "their latest answer was unhappy; 1 unresolved incident(s)"
        );
        assert_eq!(
            why("passive", 0, 2, None, now),
            "2 open follow-up(s); no orders yet"
        );
        assert_eq!(
            why("passive", 0, 0, Some(now - 120 * super::DAY), now),
            "no order for 120 days"
        );
        assert_eq!(
            why("passive", 0, 0, Some(now), now),
            "a middling score with little to lift it"
        );
    }
}
