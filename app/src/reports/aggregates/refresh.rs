//! Bringing the aggregates up to date: the weeks named by touches, weeks computed before they
//! ended, and weeks asked for that were never computed (or in another time zone).
use super::compute;
use crate::db::sql::Value;
use crate::db::{Db, Sql};
use crate::error::AppError;
use crate::loyalty::recovery_return::WINDOW_DAYS;
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet};

const WINDOW_MS: i64 = WINDOW_DAYS * 86_400_000;
/// Touches name at most this many weeks of a span (an overdue follow-up open for years).
const MAX_SPAN_WEEKS: i64 = 520;

/// Recomputes what is out of date, with `needed` weeks computed if they are not. Returns how
/// many weeks were computed.
pub async fn refresh(db: &Db, needed: &[NaiveDate], now: i64) -> Result<usize, AppError> {
    let tz = crate::org::clock::time_zone(db).await?;
    refresh_in_zone(db, tz, needed, now).await
}

/// `refresh` for a caller that has already read the organisation's time zone.
pub async fn refresh_in_zone(
    db: &Db,
    tz: Tz,
    needed: &[NaiveDate],
    now: i64,
) -> Result<usize, AppError> {
    let current = crate::org::clock::monday_of(tz, now);
    let needed: Vec<NaiveDate> = needed.iter().copied().filter(|w| *w <= current).collect();
    if !out_of_date(db, tz, &needed, now).await? {
        return Ok(0);
    }
    let mut tx = begin(db).await?;
    let n = refresh_in(&mut tx, tz, &needed, now).await?;
    tx.commit().await?;
    Ok(n)
}

/// A write transaction that only one refresher at a time holds, across instances too, so an
/// older computation never lands last (SQLite's `BEGIN IMMEDIATE` already serializes writers).
async fn begin(db: &Db) -> Result<sqlx::Transaction<'static, sqlx::Any>, AppError> {
    let mut tx = crate::db::begin_write(db).await?;
    if crate::db::dialect(db) == crate::db::Dialect::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(7304201)")
            .execute(&mut *tx)
            .await?;
    }
    Ok(tx)
}

/// Keeps the weeks a default report reads (the last 53) computed and current.
pub async fn keep_fresh(db: &Db, now: i64) -> Result<usize, AppError> {
    let tz = crate::org::clock::time_zone(db).await?;
    let current = crate::org::clock::monday_of(tz, now);
    let weeks: Vec<NaiveDate> = (0..54).map(|k| current - Duration::days(7 * k)).collect();
    refresh_in_zone(db, tz, &weeks, now).await
}

/// A cheap look, without the write lock, for anything to do.
async fn out_of_date(db: &Db, tz: Tz, needed: &[NaiveDate], now: i64) -> Result<bool, AppError> {
    let touched: Option<i64> = sqlx::query_scalar("SELECT id FROM report_touches LIMIT 1")
        .fetch_optional(db)
        .await?;
    if touched.is_some() {
        return Ok(true);
    }
    let known = known_weeks(db, tz, now).await?;
    Ok(needed.iter().any(|w| !known.contains_key(w)) || known.values().any(|fresh| !fresh))
}

/// Weeks computed in this time zone, each with whether it is still right without touches (it
/// had ended when computed, or has not ended yet).
async fn known_weeks<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    conn: E,
    tz: Tz,
    now: i64,
) -> Result<BTreeMap<NaiveDate, bool>, AppError> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT week, complete FROM report_weeks WHERE time_zone = $1")
            .bind(tz.name())
            .fetch_all(conn)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(w, complete)| {
            let monday = NaiveDate::parse_from_str(&w, "%Y-%m-%d").ok()?;
            let ended = crate::org::clock::week_range(tz, monday).1 <= now;
            Some((monday, complete == 1 || !ended))
        })
        .collect())
}

async fn refresh_in(
    conn: &mut AnyConnection,
    tz: Tz,
    needed: &[NaiveDate],
    now: i64,
) -> Result<usize, AppError> {
    sqlx::query("DELETE FROM report_weeks WHERE time_zone <> $1")
        .bind(tz.name())
        .execute(&mut *conn)
        .await?;
    let touches =
        sqlx::query("DELETE FROM report_touches RETURNING at, until_at, day, customer_id, teams")
            .fetch_all(&mut *conn)
            .await?;
    let known = known_weeks(&mut *conn, tz, now).await?;
    let mut weeks: BTreeSet<NaiveDate> = needed
        .iter()
        .filter(|w| !known.contains_key(w))
        .copied()
        .collect();
    weeks.extend(known.iter().filter(|(_, fresh)| !**fresh).map(|(w, _)| *w));
    let mut customers: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    let mut teams_changed = false;
    for t in &touches {
        teams_changed |= t.try_get::<i64, _>("teams")? != 0;
        let at: Option<i64> = t.try_get("at")?;
        let until: Option<i64> = t.try_get("until_at")?;
        let day: Option<String> = t.try_get("day")?;
        let customer: Option<i64> = t.try_get("customer_id")?;
        if let Some(day) = day.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()) {
            weeks.insert(crate::common::moment::monday_of(day));
        }
        let Some(at) = at else { continue };
        let first = crate::org::clock::monday_of(tz, at);
        let last = until.map_or(first, |u| crate::org::clock::monday_of(tz, u.min(now)));
        let mut w = first;
        while w <= last && (w - first).num_weeks() < MAX_SPAN_WEEKS {
            weeks.insert(w);
            w += Duration::days(7);
        }
        if let Some(c) = customer {
            let span = customers.entry(c).or_insert((at, at));
            *span = (span.0.min(at), span.1.max(at));
        }
    }
    for moment in recoveries_near(conn, &customers).await? {
        weeks.insert(crate::org::clock::monday_of(tz, moment));
    }
    // Only weeks someone has asked for are kept; the rest are computed when first needed.
    let wanted: Vec<NaiveDate> = weeks
        .into_iter()
        .filter(|w| known.contains_key(w) || needed.contains(w))
        .collect();
    for monday in &wanted {
        store(conn, tz, *monday, now).await?;
    }
    if teams_changed {
        regroup_teams(conn).await?;
    }
    Ok(wanted.len())
}

/// Every week's team rows summed afresh from their current members' rows: team t's rows are
/// kept under owner `ORGANISATION - t`, below every staff id and the organisation's own.
async fn regroup_teams(conn: &mut AnyConnection) -> Result<(), AppError> {
    let below = super::ORGANISATION;
    for (table, column, total) in [
        ("report_figures", "figure", "value"),
        ("report_recovery_times", "tenths", "n"),
    ] {
        let mut drop = Sql::new("DELETE FROM ");
        drop.push(table).push(" WHERE staff_id < ").bind(below);
        drop.query().execute(&mut *conn).await?;
        let mut sum = Sql::new("INSERT INTO ");
        sum.push(table)
            .push(" (week, staff_id, ")
            .push(column)
            .push(", ")
            .push(total)
            .push(") SELECT r.week, ")
            .bind(below)
            .push(" - s.team_id, r.")
            .push(column)
            .push(", CAST(SUM(r.")
            .push(total)
            .push(") AS BIGINT) FROM ")
            .push(table)
            .push(
                " r JOIN staff_users s ON s.id = r.staff_id WHERE s.team_id IS NOT NULL
                 GROUP BY r.week, s.team_id, r.",
            )
            .push(column)
            .push(" HAVING SUM(r.")
            .push(total)
            .push(") <> 0");
        sum.query().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Staff id → team id, for everyone in a team.
async fn team_of(conn: &mut AnyConnection) -> Result<BTreeMap<i64, i64>, AppError> {
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, team_id FROM staff_users WHERE team_id IS NOT NULL")
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().collect())
}

/// The moments of recoveries whose "after" or "before" windows may hold a touched customer's
/// orders or referrals: the customer's own, and those of whoever referred them.
async fn recoveries_near(
    conn: &mut AnyConnection,
    customers: &BTreeMap<i64, (i64, i64)>,
) -> Result<Vec<i64>, AppError> {
    let mut spans: Vec<(i64, i64, i64)> = customers.iter().map(|(c, s)| (*c, s.0, s.1)).collect();
    let ids: Vec<i64> = customers.keys().copied().collect();
    spans.extend(
        pairs_for(
            conn,
            "SELECT referrer_id, occurred_at FROM referrals WHERE referred_customer_id IN ",
            &ids,
        )
        .await?
        .into_iter()
        .map(|(r, at)| (r, at, at)),
    );
    let mut by_customer: BTreeMap<i64, Vec<(i64, i64)>> = BTreeMap::new();
    for (c, from, to) in spans {
        by_customer.entry(c).or_default().push((from, to));
    }
    let ids: Vec<i64> = by_customer.keys().copied().collect();
    let mut moments = Vec::new();
    let incidents = pairs_for(
        conn,
        "SELECT customer_id, COALESCE(resolved_at, detected_at) FROM incidents WHERE customer_id IN ",
        &ids,
    )
    .await?;
    for (c, at) in incidents {
        let near = by_customer[&c]
            .iter()
            .any(|(from, to)| at >= from - WINDOW_MS && at <= to + WINDOW_MS);
        if near {
            moments.push(at);
        }
    }
    Ok(moments)
}

/// Pairs from `select` (ending in "... IN ") for the ids, a few hundred ids per statement.
async fn pairs_for(
    conn: &mut AnyConnection,
    select: &'static str,
    ids: &[i64],
) -> Result<Vec<(i64, i64)>, AppError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let mut q = Sql::new(select);
        q.list(chunk.iter().copied());
        out.extend(q.query_as::<(i64, i64)>().fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

/// Computes one week and replaces what was stored for it.
pub async fn store(
    conn: &mut AnyConnection,
    tz: Tz,
    monday: NaiveDate,
    now: i64,
) -> Result<(), AppError> {
    let team_of = team_of(conn).await?;
    let week = compute::week(conn, tz, monday, now)
        .await?
        .with_teams(&team_of);
    let key = monday.to_string();
    for statement in [
        "DELETE FROM report_figures WHERE week = $1",
        "DELETE FROM report_recovery_times WHERE week = $1",
        "DELETE FROM report_weeks WHERE week = $1",
    ] {
        sqlx::query(statement)
            .bind(&key)
            .execute(&mut *conn)
            .await?;
    }
    let figures: Vec<(i64, Value, i64)> = week
        .counts
        .iter()
        .flat_map(|(owner, c)| c.iter().map(|(k, v)| (*owner, Value::from(k), *v)))
        .collect();
    insert_rows(
        conn,
        "INSERT INTO report_figures (week, staff_id, figure, value) VALUES ",
        &key,
        &figures,
    )
    .await?;
    let times: Vec<(i64, Value, i64)> = week
        .times
        .iter()
        .flat_map(|(owner, t)| t.iter().map(|(k, n)| (*owner, Value::from(*k), *n)))
        .collect();
    insert_rows(
        conn,
        "INSERT INTO report_recovery_times (week, staff_id, tenths, n) VALUES ",
        &key,
        &times,
    )
    .await?;
    let ended = crate::org::clock::week_range(tz, monday).1 <= now;
    sqlx::query(
        "INSERT INTO report_weeks (week, time_zone, complete, computed_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&key)
    .bind(tz.name())
    .bind(ended as i64)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Inserts (week, owner, value, n) rows with `insert` ("INSERT INTO table (columns) VALUES "),
/// a few hundred a statement; the value is a figure's name or a time's tenths.
async fn insert_rows(
    conn: &mut AnyConnection,
    insert: &'static str,
    week: &str,
    rows: &[(i64, Value, i64)],
) -> Result<(), AppError> {
    for chunk in rows.chunks(400) {
        let mut q = Sql::new(insert);
        q.rows(chunk, |row, (owner, value, n)| {
            row.bind(week).bind(*owner).bind(value.clone()).bind(*n);
        });
        q.query().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Every week from the earliest moment any figure reads to the current one, computed afresh:
/// after a bulk load, and what the consistency test compares against.
pub async fn rebuild(db: &Db, now: i64) -> Result<usize, AppError> {
    let tz = crate::org::clock::time_zone(db).await?;
    let first: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(at) FROM (SELECT MIN(detected_at) AS at FROM incidents
           UNION ALL SELECT MIN(COALESCE(decided_at, created_at)) FROM recovery_actions
           UNION ALL SELECT MIN(received_at) FROM feedback
           UNION ALL SELECT MIN(opened_at) FROM follow_ups
           UNION ALL SELECT MIN(closed_at) FROM follow_ups
           UNION ALL SELECT MIN(spotlighted_at) FROM stories
           UNION ALL SELECT MIN(created_at) FROM story_kudos
           UNION ALL SELECT MIN(occurred_at) FROM referrals
           UNION ALL SELECT MIN(occurred_at) FROM advocacy_events
           UNION ALL SELECT MIN(placed_at) FROM orders) x",
    )
    .fetch_one(db)
    .await?;
    let first_story: Option<String> = sqlx::query_scalar("SELECT MIN(occurred_on) FROM stories")
        .fetch_one(db)
        .await?;
    let current = crate::org::clock::monday_of(tz, now);
    let mut start = first.map_or(current, |at| crate::org::clock::monday_of(tz, at));
    if let Some(d) = first_story.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()) {
        start = start.min(crate::common::moment::monday_of(d));
    }
    let mut tx = begin(db).await?;
    for statement in [
        "DELETE FROM report_touches",
        "DELETE FROM report_figures",
        "DELETE FROM report_recovery_times",
        "DELETE FROM report_weeks",
    ] {
        sqlx::query(statement).execute(&mut *tx).await?;
    }
    let mut n = 0;
    let mut w = start;
    while w <= current {
        store(&mut tx, tz, w, now).await?;
        w += Duration::days(7);
        n += 1;
    }
    tx.commit().await?;
    Ok(n)
}
