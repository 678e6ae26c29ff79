//! Reading the aggregates for a scope: the organisation's own rows, one associate's, or a
//! team's (its current members' summed when stored).
use super::{team_owner, Counts, ORGANISATION};
use crate::error::AppError;
use crate::org::scope::StaffScope;
use chrono::NaiveDate;
use sqlx::AnyConnection;
use std::collections::BTreeMap;

/// The owner id a scope's rows are kept under (bound as $1 beside `weeks`).
fn owner(scope: StaffScope) -> i64 {
    match scope {
        StaffScope::Organisation => ORGANISATION,
        StaffScope::Associate(a) => a,
        StaffScope::Team(t) => team_owner(t),
    }
}

/// The condition for one owner's weeks from `first` to `last`. The weeks are written into the
/// statement (dates, never user text): as parameters, PostgreSQL's generic plan guesses any
/// week range narrow and reads every owner's rows by week instead of one owner's by owner.
fn weeks(first: NaiveDate, last: NaiveDate) -> String {
    format!(
        "staff_id = $1 AND week >= '{}' AND week <= '{}'",
        first.format("%Y-%m-%d"),
        last.format("%Y-%m-%d")
    )
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
        "SELECT week, figure, value FROM report_figures WHERE {}",
        weeks(first, last)
    ))
    .bind(owner(scope))
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
        "SELECT week, tenths, n FROM report_recovery_times WHERE {}",
        weeks(first, last)
    ))
    .bind(owner(scope))
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
    let marks = crate::db::placeholders(2, figures.len());
    let sql = format!(
        "SELECT figure, CAST(SUM(value) AS BIGINT) FROM report_figures
         WHERE {} AND figure IN ({}) GROUP BY figure",
        weeks(first, last),
        marks
    );
    let mut q = sqlx::query_as::<_, (String, i64)>(&sql).bind(owner(scope));
    for f in figures {
        q = q.bind(*f);
    }
    Ok(q.fetch_all(conn).await?.into_iter().collect())
}

/// Each of `people`'s story count in the week (for "associates with a story").
pub async fn stories_per_owner(
    conn: &mut AnyConnection,
    monday: NaiveDate,
    people: &[i64],
) -> Result<BTreeMap<i64, Counts>, AppError> {
    let mut out = BTreeMap::new();
    for chunk in people.chunks(500) {
        let marks = crate::db::placeholders(2, chunk.len());
        let sql = format!(
            "SELECT staff_id, value FROM report_figures
             WHERE week = $1 AND figure = 'stories' AND staff_id IN ({})",
            marks
        );
        let mut q = sqlx::query_as::<_, (i64, i64)>(&sql).bind(monday.to_string());
        for id in chunk {
            q = q.bind(*id);
        }
        for (owner, n) in q.fetch_all(&mut *conn).await? {
            out.insert(owner, Counts::from([("stories".to_string(), n)]));
        }
    }
    Ok(out)
}
