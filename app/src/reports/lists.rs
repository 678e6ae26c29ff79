//! The weekly report's lists: who and what needs a manager's attention, each row linking to its
//! record. Also exported as CSV, one file per list.
use super::{ListRow, WeeklyLists};
use crate::db::Db;
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
    crate::incidents::money::Money {
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

/// Customers looked at per step when walking them by standing.
const WALK_PAGE: i64 = 500;

/// Which of `ids` have an unresolved incident or an open follow-up.
async fn with_open_work(db: &Db, ids: &[i64]) -> Result<std::collections::HashSet<i64>, AppError> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let marks = crate::db::placeholders(1, ids.len());
    let sql = format!(
        "SELECT customer_id FROM incidents WHERE status <> 'resolved' AND customer_id IN ({marks})
         UNION SELECT customer_id FROM follow_ups WHERE status = 'open' AND customer_id IN ({marks})"
    );
    let mut q = sqlx::query_scalar::<_, i64>(&sql);
    for id in ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(db).await?.into_iter().collect())
}

/// Passives and detractors with something open: an unresolved incident or an open follow-up
/// (assigned in scope), detractors first, lowest score first. For the whole organisation they
/// are found walking the customers by standing and score; for a team or a person, from their
/// open work. One pass finds them (up to the cap, which gives the count), a second reads the
/// details of those shown.
async fn at_risk(
    db: &Db,
    scope: StaffScope,
    limit: i64,
    now: i64,
) -> Result<(i64, Vec<ListRow>), AppError> {
    let (narrow_incidents, id) = scope.narrow("i.assignee_id", 1);
    let (narrow_follow_ups, _) = scope.narrow("u.assignee_id", 1);
    let want = (COUNT_CAP + 1).max(limit);
    let mut found: Vec<i64> = Vec::new();
    match scope {
        // A page of customers at a time by standing, keeping those with open work: one plan on
        // both databases (PostgreSQL otherwise hashes all open work on every request).
        StaffScope::Organisation => {
            for segment in ["detractor", "passive"] {
                let mut offset = 0;
                while (found.len() as i64) < want {
                    let page: Vec<i64> = sqlx::query_scalar(
                        "SELECT id FROM customers WHERE loyalty_segment = $1
                         ORDER BY loyalty_score, id LIMIT $2 OFFSET $3",
                    )
                    .bind(segment)
                    .bind(WALK_PAGE)
                    .bind(offset)
                    .fetch_all(db)
                    .await?;
                    offset += page.len() as i64;
                    let open = with_open_work(db, &page).await?;
                    let room = (want - found.len() as i64) as usize;
                    found.extend(page.iter().filter(|id| open.contains(id)).take(room));
                    if (page.len() as i64) < WALK_PAGE {
                        break;
                    }
                }
            }
        }
        // CROSS JOIN keeps SQLite driving from the open work rather than the customers. SQLite
        // is told which indexes to read (without statistics it would visit the wide rows):
        // open work with its customer, and each customer's standing, from the indexes alone.
        _ => {
            let [incidents, follow_ups, customers] = match crate::db::dialect(db) {
                crate::db::Dialect::Sqlite => [
                    "INDEXED BY incidents_open_idx",
                    "INDEXED BY follow_ups_open_idx",
                    "INDEXED BY customers_standing_idx",
                ],
                crate::db::Dialect::Postgres => ["", "", ""],
            };
            found = sqlx::query_scalar(&format!(
                "SELECT c.id FROM (
                    SELECT i.customer_id FROM incidents i {incidents} WHERE {narrow_incidents} AND i.status <> 'resolved'
                    UNION SELECT u.customer_id FROM follow_ups u {follow_ups} WHERE {narrow_follow_ups} AND u.status = 'open') w
                 CROSS JOIN customers c {customers}
                 WHERE c.id = w.customer_id AND c.loyalty_segment IN ('passive', 'detractor')
                 ORDER BY CASE WHEN c.loyalty_segment = 'detractor' THEN 0 ELSE 1 END, c.loyalty_score, c.id
                 LIMIT $2"
            ))
            .bind(id)
            .bind(want)
            .fetch_all(db)
            .await?
        }
    }
    let total = found.len() as i64;
    found.truncate(limit.max(0) as usize);
    let mut rows = Vec::new();
    for chunk in found.chunks(500) {
        let marks = crate::db::placeholders(1, chunk.len());
        let sql = format!(
            "SELECT c.id, c.name, c.loyalty_score, c.loyalty_segment,
                (SELECT COUNT(*) FROM incidents i WHERE i.customer_id = c.id AND i.status <> 'resolved') AS open_incidents,
                (SELECT COUNT(*) FROM follow_ups u WHERE u.customer_id = c.id AND u.status = 'open') AS open_follow_ups,
                (SELECT MAX(o.placed_at) FROM orders o WHERE o.customer_id = c.id) AS last_order
             FROM customers c WHERE c.id IN ({})",
            marks
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        rows.extend(q.fetch_all(db).await?);
    }
    let place = |r: &sqlx::any::AnyRow| {
        let id: i64 = r.try_get("id").unwrap_or_default();
        found.iter().position(|f| *f == id)
    };
    rows.sort_by_key(|r| place(r));
    let rows = rows
        .iter()
        .map(|r| {
            let segment: String = r.try_get("loyalty_segment")?;
            let score: Option<i64> = r.try_get("loyalty_score")?;
            Ok(ListRow {
                href: format!("/customers/{}", r.try_get::<i64, _>("id")?),
                title: r.try_get("name")?,
                detail: why(
                    &segment,
                    r.try_get("open_incidents")?,
                    r.try_get("open_follow_ups")?,
                    r.try_get("last_order")?,
                    now,
                ),
                note: format!(
                    "score {} · {}",
                    score.map_or("—".into(), |s| s.to_string()),
                    crate::loyalty::Segment::parse(&segment)
                        .map_or(segment.clone(), |s| s.label().to_string())
                ),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok((total, rows))
}

async fn overdue_follow_ups(
    db: &Db,
    scope: StaffScope,
    limit: i64,
    now: i64,
) -> Result<(i64, Vec<ListRow>), AppError> {
    let (narrow, id) = scope.narrow("u.assignee_id", 2);
    // The whole organisation's are walked in due order; a team's or a person's through the
    // queue index by assignee (the `+` keeps SQLite off the due-time index for those).
    let due = match scope {
        StaffScope::Organisation => "u.due_at < $1",
        _ => "+u.due_at < $1",
    };
    let from_where = format!("FROM follow_ups u WHERE u.status = 'open' AND {due} AND {narrow}");
    let total: i64 = sqlx::query_scalar(&crate::db::capped_count(&from_where, COUNT_CAP))
        .bind(now)
        .bind(id)
        .fetch_one(db)
        .await?;
    let rows = sqlx::query(&format!(
        "SELECT u.id, c.name AS customer, u.assessment, u.due_at, s.name AS assignee
         FROM follow_ups u JOIN customers c ON c.id = u.customer_id
         LEFT JOIN staff_users s ON s.id = u.assignee_id
         WHERE u.status = 'open' AND {due} AND {narrow} ORDER BY u.due_at, u.id LIMIT $3"
    ))
    .bind(now)
    .bind(id)
    .bind(limit)
    .fetch_all(db)
    .await?;
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
    let (team, associate) = scope.binds();
    let filter = format!(
        "a.status = 'pending' AND {}",
        StaffScope::clause("i.assignee_id", 1, 2)
    );
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM recovery_actions a JOIN incidents i ON i.id = a.incident_id WHERE {filter}"
    ))
    .bind(team)
    .bind(associate)
    .fetch_one(db)
    .await?;
    let rows = sqlx::query(&format!(
        "SELECT i.id, c.name AS customer, a.kind, a.amount_minor, a.currency, s.name AS requested_by
         FROM recovery_actions a JOIN incidents i ON i.id = a.incident_id
         JOIN customers c ON c.id = i.customer_id LEFT JOIN staff_users s ON s.id = a.created_by
         WHERE {filter} ORDER BY a.created_at, a.id LIMIT $3"
    ))
    .bind(team)
    .bind(associate)
    .bind(limit)
    .fetch_all(db)
    .await?;
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
    let (team, associate) = scope.binds();
    let filter = format!(
        "s.spotlighted_at >= $1 AND s.spotlighted_at < $2 AND {}",
        StaffScope::clause("s.associate_id", 3, 4)
    );
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM stories s WHERE {filter}"))
        .bind(from)
        .bind(to)
        .bind(team)
        .bind(associate)
        .fetch_one(db)
        .await?;
    let rows = sqlx::query(&format!(
        "SELECT s.id, s.title, u.name AS associate, s.occurred_on FROM stories s
         JOIN staff_users u ON u.id = s.associate_id WHERE {filter}
         ORDER BY s.spotlighted_at DESC, s.id DESC LIMIT $5"
    ))
    .bind(from)
    .bind(to)
    .bind(team)
    .bind(associate)
    .bind(limit)
    .fetch_all(db)
    .await?;
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
    let (team, associate) = scope.binds();
    let filter = format!(
        "u.role = 'associate' AND u.active = 1 AND {}
         AND NOT EXISTS (SELECT 1 FROM stories s WHERE s.associate_id = u.id AND s.occurred_on >= $3 AND s.occurred_on < $4)",
        StaffScope::clause("u.id", 1, 2)
    );
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM staff_users u WHERE {filter}"
    ))
    .bind(team)
    .bind(associate)
    .bind(&from)
    .bind(&to)
    .fetch_one(db)
    .await?;
    let rows = sqlx::query(&format!(
        "SELECT u.id, u.name, t.name AS team FROM staff_users u LEFT JOIN teams t ON t.id = u.team_id
         WHERE {filter} ORDER BY LOWER(u.name) LIMIT $5"
    ))
    .bind(team)
    .bind(associate)
    .bind(&from)
    .bind(&to)
    .bind(limit)
    .fetch_all(db)
    .await?;
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
