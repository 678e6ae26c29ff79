//! Money summed by the database in the organisation currency, and converted where it is not:
//! amounts in the organisation currency are added by the database; every other amount comes
//! back grouped by currency, moment and amount, so each is converted once at the rate in force
//! at its own moment and rounded on its own.
use super::table::{Rates, Total};
use crate::db::Sql;
use crate::error::AppError;
use sqlx::AnyConnection;
use std::collections::BTreeMap;

/// How many amounts each owner has, and their total. `rows` is a statement (a `WITH` may
/// lead it) whose columns are `owner`, `currency`, `at` (epoch ms) and `amount` (minor units).
pub async fn by_owner(
    conn: &mut AnyConnection,
    rates: &Rates,
    rows: &Sql,
) -> Result<BTreeMap<i64, (i64, Total)>, AppError> {
    let mut q = Sql::new("SELECT m.owner, m.currency, CASE WHEN m.currency = ");
    q.bind(rates.currency.as_str())
        .push(" THEN 0 ELSE m.at END AS at_key, CASE WHEN m.currency = ")
        .bind(rates.currency.as_str())
        .push(
            " THEN 0 ELSE m.amount END AS amount_key, COUNT(*),
             CAST(COALESCE(SUM(m.amount), 0) AS BIGINT) FROM (",
        )
        .nest(rows)
        .push(") m GROUP BY m.owner, m.currency, at_key, amount_key");
    let found: Vec<(i64, String, i64, i64, i64, i64)> =
        q.query_as().persistent(false).fetch_all(conn).await?;
    let mut out: BTreeMap<i64, (i64, Total)> = BTreeMap::new();
    for (owner, currency, at, amount, n, sum) in found {
        let (count, total) = out.entry(owner).or_default();
        *count += n;
        if currency == rates.currency {
            total.add_converted(sum);
        } else {
            total.add(rates, &currency, at, amount, n);
        }
    }
    Ok(out)
}

/// The total of `rows` (as for [`by_owner`]) across owners.
pub async fn total(
    conn: &mut AnyConnection,
    rates: &Rates,
    rows: &Sql,
) -> Result<(i64, Total), AppError> {
    let mut all = (0, Total::default());
    for (_, (n, t)) in by_owner(conn, rates, rows).await? {
        all.0 += n;
        all.1.merge(&t);
    }
    Ok(all)
}
