//! Reading the aggregates for a scope: the organisation's own rows, one associate's, or the sum
//! of a team's current members.
use super::{Counts, ORGANISATION};
use crate::error::AppError;
use crate::org::scope::StaffScope;
use chrono::NaiveDate;
use sqlx::AnyConnection;
use std::collections::BTreeMap;

/// The owner condition on `staff_id`, bound as $3.
fn owners(scope: StaffScope) -> (&'static str, i64) {
    match scope {
        StaffScope::Organisation => ("staff_id = $3", ORGANISATION),
        StaffScope::Associate(a) => ("staff_id = $3", a),
        StaffScope::Team(t) => (
            "staff_id IN (SELECT id FROM staff_users WHERE team_id = $3)",
            t,
        ),
    }
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
    let (owner, id) = owners(scope);
    let rows: Vec<(String, String, i64)> = sqlx::query_as(&format!(
        "SELECT week, figure, CAST(SUM(value) AS BIGINT) FROM report_figures
         WHERE week >= $1 AND week <= $2 AND {owner} GROUP BY week, figure"
    ))
    .bind(first.to_string())
    .bind(last.to_string())
    .bind(id)
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
    let (owner, id) = owners(scope);
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT week, tenths, CAST(SUM(n) AS BIGINT) FROM report_recovery_times
         WHERE week >= $1 AND week <= $2 AND {owner} GROUP BY week, tenths"
    ))
    .bind(first.to_string())
    .bind(last.to_string())
    .bind(id)
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

/// Each associate's story count in the week (for "associates with a story").
pub async fn stories_per_owner(
    conn: &mut AnyConnection,
    monday: NaiveDate,
) -> Result<BTreeMap<i64, Counts>, AppError> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT staff_id, value FROM report_figures WHERE week = $1 AND figure = 'stories' AND staff_id > 0",
    )
    .bind(monday.to_string())
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(owner, n)| (owner, Counts::from([("stories".to_string(), n)])))
        .collect())
}
