//! Reading the aggregates for a scope: the organisation's own rows, one associate's, or a
//! team's (its current members' summed when stored).
use super::{team_owner, Counts, ORGANISATION};
use crate::error::AppError;
use crate::org::scope::StaffScope;
use chrono::NaiveDate;
use sqlx::AnyConnection;
use std::collections::BTreeMap;

/// The owner id a scope's rows are kept under (bound as $1 in `WEEKS`).
fn owner(scope: StaffScope) -> i64 {
    match scope {
        StaffScope::Organisation => ORGANISATION,
        StaffScope::Associate(a) => a,
        StaffScope::Team(t) => team_owner(t),
    }
}

/// The condition for one owner's weeks, bound as $1 (owner), $2 and $3 (first and last
/// Monday). Statements using it run unnamed (`persistent(false)`): PostgreSQL plans an unnamed
/// statement with the values bound, while a kept one falls back to a generic plan that guesses
/// any week range narrow and reads every owner's rows by week instead of one owner's by owner.
const WEEKS: &str = "staff_id = $1 AND week >= $2 AND week <= $3";

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
    (first, last): (NaiveDate, NaiveDate),
) -> Result<BTreeMap<NaiveDate, Counts>, AppError> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(&format!(
        "SELECT week, figure, value FROM report_figures WHERE {WEEKS}"
    ))
    .persistent(false)
    .bind(owner(scope))
    .bind(day(first))
    .bind(day(last))
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
    (first, last): (NaiveDate, NaiveDate),
) -> Result<BTreeMap<NaiveDate, Vec<(f64, i64)>>, AppError> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT week, tenths, n FROM report_recovery_times WHERE {WEEKS}"
    ))
    .persistent(false)
    .bind(owner(scope))
    .bind(day(first))
    .bind(day(last))
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
    (first, last): (NaiveDate, NaiveDate),
    figures: &[&str],
) -> Result<Counts, AppError> {
    let marks = crate::db::placeholders(4, figures.len());
    let sql = format!(
        "SELECT figure, CAST(SUM(value) AS BIGINT) FROM report_figures
         WHERE {WEEKS} AND figure IN ({marks}) GROUP BY figure"
    );
    let mut q = sqlx::query_as::<_, (String, i64)>(&sql)
        .persistent(false)
        .bind(owner(scope))
        .bind(day(first))
        .bind(day(last));
    for f in figures {
        q = q.bind(*f);
    }
    Ok(q.fetch_all(conn).await?.into_iter().collect())
}

/// The active associates in scope and how many of them logged a story in the week, counted
/// by the database (one row, however many people the organisation has).
pub async fn associates_with_story(
    conn: &mut AnyConnection,
    scope: StaffScope,
    monday: NaiveDate,
) -> Result<(i64, i64), AppError> {
    let (team, associate) = scope.binds();
    Ok(sqlx::query_as(&format!(
        "SELECT COUNT(*), COUNT(f.staff_id) FROM staff_users s
         LEFT JOIN report_figures f ON f.staff_id = s.id AND f.week = $3 AND f.figure = 'stories' AND f.value > 0
         WHERE s.role = 'associate' AND s.active = 1 AND {}",
        StaffScope::clause("s.id", 1, 2)
    ))
    .bind(team)
    .bind(associate)
    .bind(day(monday))
    .fetch_one(conn)
    .await?)
}
