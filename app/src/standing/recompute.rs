//! Recomputing standings a batch of customers at a time: one statement reads every customer's
//! facts, one statement stores every score. Changes call [`refresh`] once per transaction with
//! the customers they touched.
use super::score::{score, Inputs};
use crate::db::{Db, Sql};
use crate::error::AppError;
use sqlx::{AnyConnection, Row};

const DAY_MS: i64 = 86_400_000;
/// Customers per statement: far below either database's limit on binds.
const CHUNK: usize = 500;

/// The facts the score reads for each of `ids`, as of `now`; ids with no customer are left out.
pub async fn inputs_of(
    conn: &mut AnyConnection,
    ids: &[i64],
    now: i64,
) -> Result<Vec<(i64, Inputs)>, AppError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let mut q = Sql::new(
            "SELECT x.id, x.created_at, x.last_order, x.orders_12m, x.referrals, x.posts,
                    x.unhappy, x.unresolved, f.score_type, f.score, f.assessment
             FROM (SELECT c.id, c.created_at,
                     (SELECT MAX(o.placed_at) FROM orders o WHERE o.customer_id = c.id) AS last_order,
                     (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id AND o.placed_at >= ",
        );
        q.bind(now - 365 * DAY_MS)
            .push(
                ") AS orders_12m,
                     (SELECT COUNT(*) FROM referrals r WHERE r.referrer_id = c.id AND r.converted = 1) AS referrals,
                     (SELECT COUNT(*) FROM advocacy_events a WHERE a.customer_id = c.id AND a.sentiment = 'positive') AS posts,
                     (SELECT COUNT(*) FROM follow_ups u WHERE u.customer_id = c.id AND u.status = 'open' AND u.assessment = 'unhappy') AS unhappy,
                     (SELECT COUNT(*) FROM incidents i WHERE i.customer_id = c.id AND i.status <> 'resolved') AS unresolved,
                     (SELECT l.id FROM feedback l WHERE l.customer_id = c.id AND l.received_at >= ",
            )
            .bind(now - 180 * DAY_MS)
            .push(
                " ORDER BY l.received_at DESC, l.id DESC LIMIT 1) AS latest
                   FROM customers c WHERE c.id IN ",
            )
            .list(chunk.iter().copied())
            .push(") x LEFT JOIN feedback f ON f.id = x.latest");
        for r in q.query().fetch_all(&mut *conn).await? {
            let created_at: i64 = r.try_get("created_at")?;
            let last_order: Option<i64> = r.try_get("last_order")?;
            let latest_answer = match r.try_get::<Option<String>, _>("score_type")? {
                Some(kind) => Some((
                    kind,
                    r.try_get::<i64, _>("score")?,
                    r.try_get::<String, _>("assessment")? != "fine",
                )),
                None => None,
            };
            out.push((
                r.try_get("id")?,
                Inputs {
                    days_since_order: last_order.map(|t| (now - t).max(0) / DAY_MS),
                    orders_12m: r.try_get("orders_12m")?,
                    latest_answer,
                    converted_referrals: r.try_get("referrals")?,
                    positive_posts: r.try_get("posts")?,
                    open_unhappy_follow_ups: r.try_get("unhappy")?,
                    unresolved_incidents: r.try_get("unresolved")?,
                    tenure_days: (now - created_at).max(0) / DAY_MS,
                },
            ));
        }
    }
    Ok(out)
}

/// One customer's facts as of `now`.
pub async fn inputs(conn: &mut AnyConnection, id: i64, now: i64) -> Result<Inputs, AppError> {
    inputs_of(conn, &[id], now)
        .await?
        .pop()
        .map(|(_, i)| i)
        .ok_or_else(|| AppError::NotFound("That customer".into()))
}

/// Recomputes and stores the score and segment of each of `ids`; called once in the
/// transaction of a change to their facts.
pub async fn refresh(conn: &mut AnyConnection, ids: &[i64], now: i64) -> Result<(), AppError> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let scored: Vec<(i64, super::score::Scored)> = inputs_of(conn, &ids, now)
        .await?
        .into_iter()
        .map(|(id, i)| (id, score(&i)))
        .collect();
    for chunk in scored.chunks(CHUNK) {
        // Both databases name the columns of a bare VALUES list column1, column2, ….
        let mut q = Sql::new("UPDATE customers SET loyalty_score = v.column2, loyalty_segment = v.column3, loyalty_at = ");
        q.bind(now).push(" FROM (VALUES ");
        q.rows(chunk, |row, (id, s)| {
            row.bind(*id).bind(s.score).bind(s.segment.as_str());
        });
        q.push(") AS v WHERE customers.id = v.column1");
        q.query().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Refreshes scores older than a day (recency decays with time, not only with changes), a
/// batch at a time. Returns how many were refreshed.
pub async fn refresh_stale(db: &Db, now: i64, batch: i64) -> Result<usize, AppError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM customers WHERE loyalty_at IS NULL OR loyalty_at < $1 ORDER BY loyalty_at LIMIT $2",
    )
    .bind(now - DAY_MS)
    .bind(batch)
    .fetch_all(db)
    .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    let mut tx = crate::db::begin_write(db).await?;
    refresh(&mut tx, &ids, now).await?;
    tx.commit().await?;
    Ok(ids.len())
}
