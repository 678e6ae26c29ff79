//! Reading the aggregates for a scope: the organisation's own rows, one associate's, or a
//! team's (its current members' summed when stored).
use super::{team_owner, Counts, ORGANISATION};
use crate::db::Sql;
use crate::error::AppError;
use crate::org::scope::StaffScope;
use chrono::NaiveDate;
use sqlx::AnyConnection;
use std::collections::BTreeMap;

/// The owner id a scope's rows are kept under.
fn owner(scope: StaffScope) -> i64 {
    match scope {
        StaffScope::Organisation => ORGANISATION,
        StaffScope::Associate(a) => a,
        StaffScope::Team(t) => team_owner(t),
    }
}

/// `select` (ending in `WHERE `) narrowed to one owner's weeks from `first` to `last`.
/// Statements built on it run unnamed (`persistent(false)`): PostgreSQL plans an unnamed
/// statement with the values bound, while a kept one falls back to a generic plan that guesses
/// any week range narrow and reads every owner's rows by week instead of one owner's by owner.
fn weeks(select: &'static str, scope: StaffScope, (first, last): (NaiveDate, NaiveDate)) -> Sql {
    let mut q = Sql::new(select);
    q.push("staff_id = ")
        .bind(owner(scope))
        .push(" AND week >= ")
        .bind(day(first))
        .push(" AND week <= ")
        .bind(day(last));
    q
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn monday(week: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(week, "%Y-%m-%d").ok()
}

/// Counts per week for the weeks from `first` to `last`.
pub async fn counts(
    conn: &mut AnyConnection,
    scope: StaffScope,
    range: (NaiveDate, NaiveDate),
) -> Result<BTreeMap<NaiveDate, Counts>, AppError> {
    let rows: Vec<(String, String, i64)> = weeks(
        "SELECT week, figure, value FROM report_figures WHERE ",
        scope,
        range,
    )
    .query_as()
    .persistent(false)
    .fetch_all(conn)
    .await?;
    let mut out: BTreeMap<NaiveDate, Counts> = BTreeMap::new();
    for (week, figure, value) in rows {
        if let Some(w) = monday(&week) {
            out.entry(w).or_default().insert(figure, value);
        }
    }
    Ok(out)
}

/// Times to recover per week, in hours, each with how many incidents took it.
pub async fn times(
    conn: &mut AnyConnection,
    scope: StaffScope,
    range: (NaiveDate, NaiveDate),
) -> Result<BTreeMap<NaiveDate, Vec<(f64, i64)>>, AppError> {
    let rows: Vec<(String, i64, i64)> = weeks(
        "SELECT week, tenths, n FROM report_recovery_times WHERE ",
        scope,
        range,
    )
    .query_as()
    .persistent(false)
    .fetch_all(conn)
    .await?;
    let mut out: BTreeMap<NaiveDate, Vec<(f64, i64)>> = BTreeMap::new();
    for (week, tenths, n) in rows {
        if let Some(w) = monday(&week) {
            out.entry(w).or_default().push((tenths as f64 / 10.0, n));
        }
    }
    Ok(out)
}

/// The sums of `figures` over the weeks from `first` to `last` (a rolling window), summed by
/// the database so a year of weeks costs one row per figure.
pub async fn totals(
    conn: &mut AnyConnection,
    scope: StaffScope,
    range: (NaiveDate, NaiveDate),
    figures: &[&str],
) -> Result<Counts, AppError> {
    let mut q = weeks(
        "SELECT figure, CAST(SUM(value) AS BIGINT) FROM report_figures WHERE ",
        scope,
        range,
    );
    // With the counts of the same figures' amounts left out for want of an exchange rate.
    q.push(" AND (figure IN ")
        .list(figures.iter().copied())
        .push(" OR figure LIKE 'rec%unrated%') GROUP BY figure");
    let rows: Vec<(String, i64)> = q.query_as().persistent(false).fetch_all(conn).await?;
    Ok(rows.into_iter().collect())
}

/// The active associates in scope and how many of them logged a story in the week, counted
/// by the database (one row, however many people the organisation has).
pub async fn associates_with_story(
    conn: &mut AnyConnection,
    scope: StaffScope,
    monday: NaiveDate,
) -> Result<(i64, i64), AppError> {
    let mut q = Sql::new(
        "SELECT COUNT(*), COUNT(f.staff_id) FROM staff_users s
         LEFT JOIN report_figures f ON f.staff_id = s.id AND f.week = ",
    );
    q.bind(day(monday)).push(
        " AND f.figure = 'stories' AND f.value > 0
         WHERE s.role = 'associate' AND s.active = 1",
    );
    scope.narrow(&mut q, "s.id");
    Ok(q.query_as().fetch_one(conn).await?)
}
