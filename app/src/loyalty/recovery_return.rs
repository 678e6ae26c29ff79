//! Return on recovery: the one definition, for one customer or across all of them. A recovery
//! is an incident with money applied to put it right (refunds, credits, reshipments); its
//! moment is when it was resolved (or detected, while open). What the customer did in the
//! window after it is counted once, however many of their windows overlap. Those figures are
//! coincident in time, not proven caused; only referrals and posts staff tied to a recovery
//! are attributed.
use super::{RecoveryRecord, RecoveryReturn};
use crate::db::Sql;
use crate::error::AppError;
use crate::org::scope::StaffScope;
use sqlx::{AnyConnection, Row};

pub const WINDOW_DAYS: i64 = 180;
const WINDOW_MS: i64 = WINDOW_DAYS * 86_400_000;

/// Which recoveries count: those whose moment falls in `[from, to)`, of one customer or all,
/// handled by the staff in `staff`.
#[derive(Clone, Copy, Debug)]
pub struct Scope {
    pub customer: Option<i64>,
    pub from: i64,
    pub to: i64,
    pub staff: StaffScope,
}

impl Scope {
    pub fn customer(id: i64) -> Self {
        Self {
            customer: Some(id),
            from: i64::MIN / 2,
            to: i64::MAX / 2,
            staff: StaffScope::Organisation,
        }
    }
}

/// Starts a statement with the recoveries in scope as `rec`: id, customer_id, owner (0 when
/// unassigned), at (the recovery's moment), w (the window) and spend.
fn recoveries(scope: Scope) -> Sql {
    let mut q = Sql::new(
        "WITH rec AS MATERIALIZED (
    SELECT i.id, i.customer_id, COALESCE(i.assignee_id, 0) AS owner,
           COALESCE(i.resolved_at, i.detected_at) AS at, CAST(",
    );
    q.bind(WINDOW_MS)
        .push(
            " AS BIGINT) AS w,
           (SELECT CAST(COALESCE(SUM(a.amount_minor), 0) AS BIGINT) FROM recovery_actions a
             WHERE a.incident_id = i.id AND a.status = 'applied') AS spend
    FROM incidents i
    WHERE COALESCE(i.resolved_at, i.detected_at) >= ",
        )
        .bind(scope.from)
        .push(" AND COALESCE(i.resolved_at, i.detected_at) < ")
        .bind(scope.to)
        .push(
            "
      AND EXISTS (SELECT 1 FROM recovery_actions a WHERE a.incident_id = i.id AND a.status = 'applied'
                  AND a.amount_minor > 0)",
        );
    // One customer's recoveries are read through the customer index.
    if let Some(customer) = scope.customer {
        q.push(" AND i.customer_id = ").bind(customer);
    }
    scope.staff.narrow(&mut q, "i.assignee_id");
    q.push(")");
    q
}

/// The end of the conditions on another recovery `j` of the same customer as recovery `r`.
const ANOTHER_RECOVERY: &str = "
            AND EXISTS (SELECT 1 FROM recovery_actions b WHERE b.incident_id = j.id
                        AND b.status = 'applied' AND b.amount_minor > 0))";

/// What happens at `t` belongs to recovery `r` when no other recovery of the customer came
/// between them: each order or referral is credited to the latest recovery before it, so sums
/// over any set of recoveries (a week, an associate, a year) add up without counting twice.
fn latest_before(q: &mut Sql, t: &'static str) {
    q.push(
        "NOT EXISTS (SELECT 1 FROM incidents j WHERE j.customer_id = r.customer_id
            AND COALESCE(j.resolved_at, j.detected_at) >= r.at AND COALESCE(j.resolved_at, j.detected_at) < ",
    )
    .push(t)
    .push(
        "
            AND (COALESCE(j.resolved_at, j.detected_at) > r.at OR j.id > r.id)",
    )
    .push(ANOTHER_RECOVERY);
}

/// The baseline's mirror: an order before recoveries belongs to the first one after it.
fn earliest_after(q: &mut Sql, t: &'static str) {
    q.push(
        "NOT EXISTS (SELECT 1 FROM incidents j WHERE j.customer_id = r.customer_id
            AND COALESCE(j.resolved_at, j.detected_at) >= ",
    )
    .push(t)
    .push(
        " AND COALESCE(j.resolved_at, j.detected_at) <= r.at
            AND (COALESCE(j.resolved_at, j.detected_at) < r.at OR j.id < r.id)",
    )
    .push(ANOTHER_RECOVERY);
}

/// The additive figures of the recoveries in scope, per owner (the incident's assignee, 0 when
/// unassigned) when `per_owner`, else one row under owner 0.
pub async fn sums(
    conn: &mut AnyConnection,
    scope: Scope,
    per_owner: bool,
) -> Result<Vec<(i64, RecoveryReturn)>, AppError> {
    let (owner, group) = if per_owner {
        ("r.owner", " GROUP BY r.owner")
    } else {
        ("0", "")
    };
    // Each statement sums `select` over `from`, which `then` finishes.
    let grouped = |select: &'static str, from: &'static str, then: &dyn Fn(&mut Sql)| {
        let mut q = recoveries(scope);
        q.push(" SELECT ")
            .push(owner)
            .push(" AS owner, ")
            .push(select)
            .push(" FROM ")
            .push(from);
        then(&mut q);
        q.push(group);
        q
    };
    let orders = "COUNT(*), CAST(COALESCE(SUM(o.amount_minor), 0) AS BIGINT)";
    let statements = [
        grouped(
            "COUNT(*), CAST(COALESCE(SUM(r.spend), 0) AS BIGINT)",
            "rec r",
            &|_: &mut Sql| {},
        ),
        grouped(
            orders,
            "rec r JOIN orders o ON o.customer_id = r.customer_id AND o.placed_at > r.at
           AND o.placed_at <= r.at + r.w AND ",
            &|q: &mut Sql| latest_before(q, "o.placed_at"),
        ),
        grouped(
            orders,
            "rec r JOIN orders o ON o.customer_id = r.customer_id AND o.placed_at > r.at - r.w
           AND o.placed_at <= r.at AND ",
            &|q: &mut Sql| earliest_after(q, "o.placed_at"),
        ),
        grouped(
            orders,
            "rec r JOIN referrals f ON f.referrer_id = r.customer_id AND f.occurred_at > r.at
           AND f.occurred_at <= r.at + r.w AND ",
            &|q: &mut Sql| {
                latest_before(q, "f.occurred_at");
                q.push(" JOIN orders o ON o.customer_id = f.referred_customer_id");
            },
        ),
        grouped(
            "COUNT(*), COUNT(*)",
            "rec r JOIN referrals f ON f.incident_id = r.id",
            &|_: &mut Sql| {},
        ),
        grouped(
            "COUNT(*), CAST(COALESCE(SUM(e.audience), 0) AS BIGINT)",
            "rec r JOIN advocacy_events e ON e.incident_id = r.id",
            &|_: &mut Sql| {},
        ),
    ];
    let mut out: std::collections::BTreeMap<i64, RecoveryReturn> = Default::default();
    for (n, q) in statements.iter().enumerate() {
        let rows: Vec<(i64, i64, i64)> = q.query_as().fetch_all(&mut *conn).await?;
        for (owner, a, b) in rows {
            let f = out.entry(owner).or_insert_with(|| RecoveryReturn {
                window_days: WINDOW_DAYS,
                ..Default::default()
            });
            match n {
                0 => (f.recoveries, f.spend_minor) = (a, b),
                1 => (f.orders_after, f.revenue_after_minor) = (a, b),
                2 => f.revenue_before_minor = b,
                3 => f.referral_revenue_after_minor = b,
                4 => f.attributed_referrals = a,
                _ => (f.attributed_posts, f.attributed_audience) = (a, b),
            }
        }
    }
    Ok(out.into_iter().collect())
}

pub async fn figures(
    conn: &mut AnyConnection,
    scope: Scope,
    now: i64,
) -> Result<RecoveryReturn, AppError> {
    let mut q = recoveries(scope);
    q.push(
        " SELECT COUNT(DISTINCT customer_id) AS customers,
                CAST(COALESCE(SUM(CASE WHEN at + w > ",
    )
    .bind(now)
    .push(" THEN 1 ELSE 0 END), 0) AS BIGINT) AS open_windows FROM rec");
    let totals = q.query().fetch_one(&mut *conn).await?;
    let mut figures = sums(conn, scope, false)
        .await?
        .pop()
        .map(|(_, f)| f)
        .unwrap_or(RecoveryReturn {
            window_days: WINDOW_DAYS,
            ..Default::default()
        });
    figures.customers = totals.try_get("customers")?;
    figures.open_windows = totals.try_get("open_windows")?;
    Ok(figures)
}

/// The recoveries behind the figures, newest first, each with what followed its own window.
pub async fn records(
    conn: &mut AnyConnection,
    scope: Scope,
    now: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<RecoveryRecord>, AppError> {
    let mut q = recoveries(scope);
    q.push(
        "
         SELECT r.id, r.customer_id, c.name AS customer, k.name AS category, r.at, r.spend,
                (SELECT COUNT(*) FROM orders o WHERE o.customer_id = r.customer_id
                  AND o.placed_at > r.at AND o.placed_at <= r.at + r.w) AS orders_after,
                (SELECT CAST(COALESCE(SUM(o.amount_minor), 0) AS BIGINT) FROM orders o
                  WHERE o.customer_id = r.customer_id AND o.placed_at > r.at AND o.placed_at <= r.at + r.w) AS revenue_after,
                (SELECT CAST(COALESCE(SUM(o.amount_minor), 0) AS BIGINT) FROM referrals f
                  JOIN orders o ON o.customer_id = f.referred_customer_id
                  WHERE f.referrer_id = r.customer_id AND f.occurred_at > r.at AND f.occurred_at <= r.at + r.w) AS referral_revenue,
                (SELECT COUNT(*) FROM referrals f WHERE f.incident_id = r.id) AS attributed_referrals,
                (SELECT COUNT(*) FROM advocacy_events e WHERE e.incident_id = r.id) AS attributed_posts,
                i.proactive
         FROM rec r JOIN customers c ON c.id = r.customer_id JOIN incidents i ON i.id = r.id
              JOIN incident_categories k ON k.id = i.category_id
         ORDER BY r.at DESC, r.id DESC LIMIT ",
    )
    .bind(limit)
    .push(" OFFSET ")
    .bind(offset);
    let rows = q.query().fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            let at: i64 = r.try_get("at")?;
            Ok(RecoveryRecord {
                incident_id: r.try_get("id")?,
                customer_id: r.try_get("customer_id")?,
                customer: r.try_get("customer")?,
                category: r.try_get("category")?,
                proactive: r.try_get::<i64, _>("proactive")? == 1,
                at,
                spend_minor: r.try_get("spend")?,
                orders_after: r.try_get("orders_after")?,
                revenue_after_minor: r.try_get("revenue_after")?,
                referral_revenue_after_minor: r.try_get("referral_revenue")?,
                attributed_referrals: r.try_get("attributed_referrals")?,
                attributed_posts: r.try_get("attributed_posts")?,
                window_open: at + WINDOW_MS > now,
            })
        })
        .collect()
}

pub const PER_PAGE: i64 = 25;

/// The start of a period ending now: "90d", "12m" (the default) or "all".
pub fn period_start(period: &str, now: i64) -> Result<(&'static str, i64), AppError> {
    const DAY: i64 = 86_400_000;
    match period.trim() {
        "90d" => Ok(("90d", now - 90 * DAY)),
        "" | "12m" => Ok(("12m", now - 365 * DAY)),
        "all" => Ok(("all", i64::MIN / 2)),
        other => Err(AppError::field(
            "period",
            format!("'{other}' is not a period; use 90d, 12m or all"),
        )),
    }
}

/// Return on recovery across all customers for recoveries in the period, with a page of the
/// records behind it.
pub async fn overview(
    db: &crate::db::Db,
    period: &str,
    page: i64,
    now: i64,
) -> Result<super::RecoveryOverview, AppError> {
    let (period, from) = period_start(period, now)?;
    // An absent page (0, the server function's default) is the first.
    let page = crate::db::page_number(if page == 0 { 1 } else { page })?;
    let scope = Scope {
        customer: None,
        from,
        to: now + 1,
        staff: StaffScope::Organisation,
    };
    let mut conn = db.acquire().await?;
    let figures = figures(&mut conn, scope, now).await?;
    let records = records(&mut conn, scope, now, PER_PAGE, (page - 1) * PER_PAGE).await?;
    let currency: Option<String> =
        sqlx::query_scalar("SELECT currency FROM orders ORDER BY placed_at DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    Ok(super::RecoveryOverview {
        period: period.into(),
        figures,
        currency: currency.unwrap_or_else(|| "USD".into()),
        records,
        page,
        per_page: PER_PAGE,
    })
}
