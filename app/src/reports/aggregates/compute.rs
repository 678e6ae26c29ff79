//! One week's counts per owner, from the raw rows, through the modules that define each figure.
use super::Week;
use crate::db::Sql;
use crate::error::AppError;
use crate::loyalty::recovery_return::{self, Scope};
use crate::org::money::sums;
use crate::org::money::table::{Rates, Total};
use crate::org::scope::StaffScope;
use crate::reports::metrics;
use chrono::NaiveDate;
use chrono_tz::Tz;
use sqlx::AnyConnection;
use std::collections::BTreeMap;

pub async fn week(
    conn: &mut AnyConnection,
    tz: Tz,
    monday: NaiveDate,
    now: i64,
) -> Result<Week, AppError> {
    let (from, to) = crate::org::clock::week_range(tz, monday);
    let mut week = Week::default();
    let rates = crate::org::money::queries::rates(conn, tz).await?;
    incidents_by_owner(conn, &rates, (from, to), &mut week).await?;
    advocacy_by_owner(conn, &rates, (from, to), &mut week).await?;
    for (owner, counts) in crate::feedback::figures::by_owner(conn, from, to, to.min(now)).await? {
        for (figure, n) in counts.entries() {
            week.add(owner, figure, n);
        }
    }
    for (owner, figure, n) in crate::stories::figures::by_owner(conn, tz, monday).await? {
        week.add(owner, figure, n);
    }
    let scope = Scope {
        customer: None,
        from,
        to,
        staff: StaffScope::Organisation,
    };
    for (owner, r) in recovery_return::sums(conn, &rates, scope, true).await? {
        for (figure, n) in [
            ("rec_recoveries", r.recoveries),
            ("rec_spend", r.spend_minor),
            ("rec_orders_after", r.orders_after),
            ("rec_revenue_after", r.revenue_after_minor),
            ("rec_revenue_before", r.revenue_before_minor),
            ("rec_referral_revenue_after", r.referral_revenue_after_minor),
            ("rec_attributed_referrals", r.attributed_referrals),
            ("rec_attributed_posts", r.attributed_posts),
            ("rec_attributed_audience", r.attributed_audience),
        ] {
            week.add(owner, figure, n);
        }
        for (figure, unrated) in &r.unrated {
            add_unrated(&mut week, owner, &format!("rec_{figure}"), unrated);
        }
    }
    Ok(week.with_organisation())
}

/// The counts of amounts `figure` could not convert, kept as `<figure>_unrated_<currency>`.
fn add_unrated(week: &mut Week, owner: i64, figure: &str, unrated: &BTreeMap<String, i64>) {
    for (currency, n) in unrated {
        week.add(owner, &unrated_key(figure, currency), *n);
    }
}

/// The stored name of the count of `figure`'s amounts in `currency` without a rate.
pub fn unrated_key(figure: &str, currency: &str) -> String {
    format!("{figure}{UNRATED}{currency}")
}

/// What joins a money figure's name and a currency in the names of its unrated counts.
pub const UNRATED: &str = "_unrated_";

/// Adds a money figure per owner: the converted total and the unrated counts.
fn add_money(week: &mut Week, figure: &str, sums: BTreeMap<i64, (i64, Total)>) {
    for (owner, (_, total)) in sums {
        week.add(owner, figure, total.minor);
        add_unrated(week, owner, figure, &total.unrated);
    }
}

/// Incidents opened (and how many proactively), resolved with their times to recover, and
/// recovery money applied in [from, to), per assignee.
pub async fn incidents_by_owner(
    conn: &mut AnyConnection,
    rates: &Rates,
    (from, to): (i64, i64),
    week: &mut Week,
) -> Result<(), AppError> {
    let opened: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT COALESCE(assignee_id, 0), COUNT(*), CAST(COALESCE(SUM(proactive), 0) AS BIGINT)
         FROM incidents WHERE detected_at >= $1 AND detected_at < $2 GROUP BY COALESCE(assignee_id, 0)",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    for (owner, n, proactive) in opened {
        week.add(owner, "opened", n);
        week.add(owner, "proactive", proactive);
    }
    let resolved: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT COALESCE(assignee_id, 0), detected_at, resolved_at FROM incidents
         WHERE resolved_at >= $1 AND resolved_at < $2",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    for (owner, detected, resolved) in resolved {
        week.add(owner, "resolved", 1);
        let tenths = (metrics::hours(resolved - detected) * 10.0).round() as i64;
        *week
            .times
            .entry(owner)
            .or_default()
            .entry(tenths)
            .or_default() += 1;
    }
    let mut spend = Sql::new(
        "SELECT COALESCE(i.assignee_id, 0) AS owner, a.currency AS currency,
                COALESCE(a.decided_at, a.created_at) AS at, a.amount_minor AS amount
         FROM recovery_actions a JOIN incidents i ON i.id = a.incident_id
         WHERE a.status = 'applied' AND COALESCE(a.decided_at, a.created_at) >= ",
    );
    spend
        .bind(from)
        .push(" AND COALESCE(a.decided_at, a.created_at) < ")
        .bind(to);
    add_money(week, "spend", sums::by_owner(conn, rates, &spend).await?);
    Ok(())
}

/// Referrals and posts in [from, to), each belonging to the assignee of the incident or else
/// the associate of the story staff attributed it to (0 when neither).
pub async fn advocacy_by_owner(
    conn: &mut AnyConnection,
    rates: &Rates,
    (from, to): (i64, i64),
    week: &mut Week,
) -> Result<(), AppError> {
    let referrals: Vec<(i64, i64, i64)> = by_attributed_owner(
        "COUNT(*), CAST(COALESCE(SUM(x.converted), 0) AS BIGINT)",
        "referrals x",
        "x.occurred_at",
        (from, to),
    )
    .query_as()
    .fetch_all(&mut *conn)
    .await?;
    for (o, n, converted) in referrals {
        week.add(o, "referrals", n);
        week.add(o, "conversions", converted);
    }
    // Revenue staff recorded for prospects, and the orders of referred customers.
    let mut prospects = attributed_rows(
        "x.currency AS currency, x.occurred_at AS at, x.revenue_minor AS amount",
        "referrals x",
        "x.occurred_at",
        (from, to),
    );
    prospects.push(" AND x.referred_customer_id IS NULL");
    let mut revenue = sums::by_owner(conn, rates, &prospects).await?;
    let orders = attributed_rows(
        "o.currency AS currency, o.placed_at AS at, o.amount_minor AS amount",
        "orders o JOIN referrals x ON x.referred_customer_id = o.customer_id",
        "o.placed_at",
        (from, to),
    );
    for (owner, (n, total)) in sums::by_owner(conn, rates, &orders).await? {
        let (count, sum) = revenue.entry(owner).or_default();
        *count += n;
        sum.merge(&total);
    }
    add_money(week, "referral_revenue", revenue);
    let audience: Vec<(i64, i64)> = by_attributed_owner(
        "CAST(COALESCE(SUM(x.audience), 0) AS BIGINT)",
        "advocacy_events x",
        "x.occurred_at",
        (from, to),
    )
    .query_as()
    .fetch_all(&mut *conn)
    .await?;
    for (o, n) in audience {
        week.add(o, "audience", n);
    }
    Ok(())
}

/// `SELECT owner, <sums> FROM <rows> … GROUP BY owner` over the rows whose `moment` falls in
/// [from, to), `x` being the advocacy row (a referral or a post) and its owner the assignee of
/// the incident or else the associate of the story staff attributed it to (0 when neither).
fn by_attributed_owner(
    sums: &'static str,
    rows: &'static str,
    moment: &'static str,
    range: (i64, i64),
) -> Sql {
    let mut q = attributed_rows(sums, rows, moment, range);
    q.push(" GROUP BY ").push(OWNER);
    q
}

const OWNER: &str = "COALESCE(i.assignee_id, s.associate_id, 0)";

/// The rows of [`by_attributed_owner`] one by one: `owner`, then `columns`.
fn attributed_rows(
    columns: &'static str,
    rows: &'static str,
    moment: &'static str,
    (from, to): (i64, i64),
) -> Sql {
    let mut q = Sql::new("SELECT ");
    q.push(OWNER)
        .push(" AS owner, ")
        .push(columns)
        .push(" FROM ")
        .push(rows)
        .push(
            " LEFT JOIN incidents i ON i.id = x.incident_id LEFT JOIN stories s ON s.id = x.story_id
             WHERE ",
        )
        .push(moment)
        .push(" >= ")
        .bind(from)
        .push(" AND ")
        .push(moment)
        .push(" < ")
        .bind(to);
    q
}
