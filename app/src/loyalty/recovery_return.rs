//! Return on recovery: the one definition, for one customer or across all of them. A recovery
//! is an incident with money applied to put it right (refunds, credits, reshipments); its
//! moment is when it was resolved (or detected, while open). What the customer did in the
//! window after it is counted once, however many of their windows overlap. Those figures are
//! coincident in time, not proven caused; only referrals and posts staff tied to a recovery
//! are attributed.
use super::{RecoveryRecord, RecoveryReturn};
use crate::db::Sql;
use crate::error::AppError;
use crate::org::money::sums;
use crate::org::money::table::{Rates, Total};
use crate::org::scope::StaffScope;
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;

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
/// unassigned) when `per_owner`, else one row under owner 0; money in the organisation
/// currency.
pub async fn sums(
    conn: &mut AnyConnection,
    rates: &Rates,
    scope: Scope,
    per_owner: bool,
) -> Result<Vec<(i64, RecoveryReturn)>, AppError> {
    let (owner, group) = if per_owner {
        ("r.owner", " GROUP BY r.owner")
    } else {
        ("0", "")
    };
    // Each statement reads `select` over `from`, which `then` finishes; counts are grouped by
    // owner, money is read row by row for conversion.
    let statement =
        |select: &'static str, from: &'static str, then: &dyn Fn(&mut Sql), grouped: bool| {
            let mut q = recoveries(scope);
            q.push(" SELECT ")
                .push(owner)
                .push(" AS owner, ")
                .push(select)
                .push(" FROM ")
                .push(from);
            then(&mut q);
            if grouped {
                q.push(group);
            }
            q
        };
    let nothing = |_: &mut Sql| {};
    let orders = "o.currency AS currency, o.placed_at AS at, o.amount_minor AS amount";
    let counts = [
        statement("COUNT(*), 0", "rec r", &nothing, true),
        statement(
            "COUNT(*), COUNT(*)",
            "rec r JOIN referrals f ON f.incident_id = r.id",
            &nothing,
            true,
        ),
        statement(
            "COUNT(*), CAST(COALESCE(SUM(e.audience), 0) AS BIGINT)",
            "rec r JOIN advocacy_events e ON e.incident_id = r.id",
            &nothing,
            true,
        ),
    ];
    let money = [
        statement(
            "a.currency AS currency, COALESCE(a.decided_at, a.created_at) AS at, a.amount_minor AS amount",
            "rec r JOIN recovery_actions a ON a.incident_id = r.id AND a.status = 'applied'",
            &nothing,
            false,
        ),
        statement(
            orders,
            "rec r JOIN orders o ON o.customer_id = r.customer_id AND o.placed_at > r.at
           AND o.placed_at <= r.at + r.w AND ",
            &|q: &mut Sql| latest_before(q, "o.placed_at"),
            false,
        ),
        statement(
            orders,
            "rec r JOIN orders o ON o.customer_id = r.customer_id AND o.placed_at > r.at - r.w
           AND o.placed_at <= r.at AND ",
            &|q: &mut Sql| earliest_after(q, "o.placed_at"),
            false,
        ),
        statement(
            orders,
            "rec r JOIN referrals f ON f.referrer_id = r.customer_id AND f.occurred_at > r.at
           AND f.occurred_at <= r.at + r.w AND ",
            &|q: &mut Sql| {
                latest_before(q, "f.occurred_at");
                q.push(" JOIN orders o ON o.customer_id = f.referred_customer_id");
            },
            false,
        ),
    ];
    let mut out: BTreeMap<i64, RecoveryReturn> = Default::default();
    for (n, q) in counts.iter().enumerate() {
        let rows: Vec<(i64, i64, i64)> = q.query_as().fetch_all(&mut *conn).await?;
        for (owner, a, b) in rows {
            let f = out.entry(owner).or_insert_with(empty);
            match n {
                0 => f.recoveries = a,
                1 => f.attributed_referrals = a,
                _ => (f.attributed_posts, f.attributed_audience) = (a, b),
            }
        }
    }
    for (n, q) in money.iter().enumerate() {
        for (owner, (count, total)) in sums::by_owner(conn, rates, q).await? {
            let f = out.entry(owner).or_insert_with(empty);
            let figure = match n {
                0 => {
                    f.spend_minor = total.minor;
                    "spend"
                }
                1 => {
                    (f.orders_after, f.revenue_after_minor) = (count, total.minor);
                    "revenue_after"
                }
                2 => {
                    f.revenue_before_minor = total.minor;
                    "revenue_before"
                }
                _ => {
                    f.referral_revenue_after_minor = total.minor;
                    "referral_revenue_after"
                }
            };
            if !total.unrated.is_empty() {
                f.unrated.insert(figure.into(), total.unrated);
            }
        }
    }
    Ok(out.into_iter().collect())
}

fn empty() -> RecoveryReturn {
    RecoveryReturn {
        window_days: WINDOW_DAYS,
        ..Default::default()
    }
}

pub async fn figures(
    conn: &mut AnyConnection,
    rates: &Rates,
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
    let mut figures = sums(conn, rates, scope, false)
        .await?
        .pop()
        .map(|(_, f)| f)
        .unwrap_or_else(empty);
    figures.customers = totals.try_get("customers")?;
    figures.open_windows = totals.try_get("open_windows")?;
    Ok(figures)
}

/// The recoveries behind the figures, newest first, each with what followed its own window.
pub async fn records(
    conn: &mut AnyConnection,
    rates: &Rates,
    scope: Scope,
    now: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<RecoveryRecord>, AppError> {
    let mut q = recoveries(scope);
    q.push(
        "
         SELECT r.id, r.customer_id, c.name AS customer, k.name AS category, r.at,
                (SELECT COUNT(*) FROM orders o WHERE o.customer_id = r.customer_id
                  AND o.placed_at > r.at AND o.placed_at <= r.at + r.w) AS orders_after,
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
    let rows = q.query().fetch_all(&mut *conn).await?;
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    let money = record_money(conn, rates, scope, &ids).await?;
    rows.iter()
        .map(|r| {
            let at: i64 = r.try_get("at")?;
            let id: i64 = r.try_get("id")?;
            let [spend, after, referred] = money.get(&id).cloned().unwrap_or_default();
            Ok(RecoveryRecord {
                incident_id: id,
                customer_id: r.try_get("customer_id")?,
                customer: r.try_get("customer")?,
                category: r.try_get("category")?,
                proactive: r.try_get::<i64, _>("proactive")? == 1,
                at,
                spend_minor: spend.minor,
                orders_after: r.try_get("orders_after")?,
                revenue_after_minor: after.minor,
                referral_revenue_after_minor: referred.minor,
                attributed_referrals: r.try_get("attributed_referrals")?,
                attributed_posts: r.try_get("attributed_posts")?,
                window_open: at + WINDOW_MS > now,
                unrated_amounts: [spend, after, referred]
                    .iter()
                    .flat_map(|t| t.unrated.values())
                    .sum(),
            })
        })
        .collect()
}

/// Each listed recovery's spend, orders in its window and its referred customers' orders in
/// its window, converted.
async fn record_money(
    conn: &mut AnyConnection,
    rates: &Rates,
    scope: Scope,
    ids: &[i64],
) -> Result<BTreeMap<i64, [Total; 3]>, AppError> {
    let mut out: BTreeMap<i64, [Total; 3]> = BTreeMap::new();
    let parts: [&'static str; 3] = [
        " SELECT r.id AS owner, a.currency AS currency, COALESCE(a.decided_at, a.created_at) AS at,
                 a.amount_minor AS amount
          FROM rec r JOIN recovery_actions a ON a.incident_id = r.id AND a.status = 'applied'",
        " SELECT r.id AS owner, o.currency AS currency, o.placed_at AS at, o.amount_minor AS amount
          FROM rec r JOIN orders o ON o.customer_id = r.customer_id AND o.placed_at > r.at
               AND o.placed_at <= r.at + r.w",
        " SELECT r.id AS owner, o.currency AS currency, o.placed_at AS at, o.amount_minor AS amount
          FROM rec r JOIN referrals f ON f.referrer_id = r.customer_id AND f.occurred_at > r.at
               AND f.occurred_at <= r.at + r.w
          JOIN orders o ON o.customer_id = f.referred_customer_id",
    ];
    for (n, select) in parts.iter().enumerate() {
        let mut q = recoveries(scope);
        q.push(select)
            .push(" WHERE r.id IN ")
            .list(ids.iter().copied());
        for (id, (_, total)) in sums::by_owner(conn, rates, &q).await? {
            out.entry(id).or_default()[n] = total;
        }
    }
    Ok(out)
}

pub const PER_PAGE: i64 = 25;

/// The recoveries of one associate (`assignee`) or team, or ("" both) everyone's.
pub fn staff_scope(assignee: &str, team: &str) -> Result<StaffScope, AppError> {
    Ok(
        match (
            AppError::optional_id(assignee, "assignee")?,
            AppError::optional_id(team, "team")?,
        ) {
            (Some(a), _) => StaffScope::Associate(a),
            (None, Some(t)) => StaffScope::Team(t),
            (None, None) => StaffScope::Organisation,
        },
    )
}

/// A period's label and [from, to): "90d", "12m" (the default) or "all" ending now, or an ISO
/// week ("2026-W47") for the 52 weeks ending with it, as the weekly report's figure counts.
pub fn period_range(
    tz: chrono_tz::Tz,
    period: &str,
    now: i64,
) -> Result<(String, i64, i64), AppError> {
    const DAY: i64 = 86_400_000;
    let to = now + 1;
    match period.trim() {
        "90d" => Ok(("90d".into(), now - 90 * DAY, to)),
        "" | "12m" => Ok(("12m".into(), now - 365 * DAY, to)),
        "all" => Ok(("all".into(), i64::MIN / 2, to)),
        week => {
            let monday = crate::common::moment::parse_week(week).map_err(|_| {
                AppError::field("period", "Choose 90d, 12m, all or a week like 2026-W47.")
            })?;
            let first = monday - chrono::Duration::weeks(51);
            let (from, _) = crate::org::clock::week_range(tz, first);
            let (_, to) = crate::org::clock::week_range(tz, monday);
            Ok((week.into(), from, to))
        }
    }
}

/// Return on recovery for recoveries in the period handled by `staff`, with a page of the
/// records behind it.
pub async fn overview(
    db: &crate::db::Db,
    period: &str,
    staff: StaffScope,
    page: i64,
    now: i64,
) -> Result<super::RecoveryOverview, AppError> {
    let tz = crate::org::clock::time_zone(db).await?;
    let (period, from, to) = period_range(tz, period, now)?;
    // An absent page (0, the server function's default) is the first.
    let page = crate::db::page_number(if page == 0 { 1 } else { page })?;
    let scope = Scope {
        customer: None,
        from,
        to,
        staff,
    };
    let mut conn = db.acquire().await?;
    let rates = crate::org::money::queries::rates(&mut conn, tz).await?;
    let figures = figures(&mut conn, &rates, scope, now).await?;
    let items = records(
        &mut conn,
        &rates,
        scope,
        now,
        PER_PAGE,
        (page - 1) * PER_PAGE,
    )
    .await?;
    Ok(super::RecoveryOverview {
        period,
        total: figures.recoveries,
        figures,
        currency: rates.currency,
        items,
        page,
        page_size: PER_PAGE,
    })
}
