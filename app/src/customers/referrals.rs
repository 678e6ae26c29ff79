//! Referral codes on the customer record: who owns them, and attributing new customers to the
//! customers whose codes they came with.
use crate::db::Sql;
use crate::error::AppError;
use sqlx::AnyConnection;
use std::collections::{BTreeSet, HashMap};

/// Codes or customers per statement: far below either database's limit on binds.
const CHUNK: usize = 500;

/// The customer who owns a referral code: (id, first name, external reference or email).
pub type Owner = (i64, String, String);

#[derive(sqlx::FromRow)]
struct OwnerRow {
    id: i64,
    name: String,
    referral_code: String,
    label: String,
}

/// A code as stored: trimmed and upper-case.
pub fn normalise(code: &str) -> String {
    code.trim().to_uppercase()
}

/// The owners of `codes`, keyed by the code as stored ([`normalise`]); unknown codes are left
/// out. One statement per few hundred codes.
pub async fn owners_of(
    conn: &mut AnyConnection,
    codes: &[String],
) -> Result<HashMap<String, Owner>, AppError> {
    let codes: Vec<String> = codes
        .iter()
        .map(|c| normalise(c))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut owners = HashMap::with_capacity(codes.len());
    for chunk in codes.chunks(CHUNK) {
        let mut q = Sql::new(
            "SELECT id, name, referral_code, COALESCE(external_ref, email, CAST(id AS TEXT)) AS label
             FROM customers WHERE referral_code IN ",
        );
        q.list(chunk);
        for r in q.query_as::<OwnerRow>().fetch_all(&mut *conn).await? {
            let first_name = r.name.split_whitespace().next().unwrap_or_default();
            owners.insert(r.referral_code, (r.id, first_name.to_string(), r.label));
        }
    }
    Ok(owners)
}

/// The owner of one referral code.
pub async fn owner_of(conn: &mut AnyConnection, code: &str) -> Result<Option<Owner>, AppError> {
    Ok(owners_of(conn, &[code.to_string()])
        .await?
        .remove(&normalise(code)))
}

/// Records that each `(referrer, referred)` pair's new customer joined with the referrer's
/// code, a few hundred pairs per statement. The caller refreshes the referrers' standings, once
/// for the whole change.
pub async fn record(
    conn: &mut AnyConnection,
    pairs: &[(i64, i64)],
    source: &str,
    actor_label: &str,
    now: i64,
) -> Result<(), AppError> {
    for chunk in pairs.chunks(CHUNK) {
        // Both databases name the columns of a bare VALUES list column1, column2, ….
        let mut q = Sql::new("UPDATE customers SET referred_by_id = v.column1 FROM (VALUES ");
        q.rows(chunk, |row, (referrer, referred)| {
            row.bind(*referrer).bind(*referred);
        });
        q.push(") AS v WHERE customers.id = v.column2");
        q.query().execute(&mut *conn).await?;
        let mut q = Sql::new(
            "INSERT INTO referrals (referrer_id, referred_customer_id, converted, source, occurred_at, created_by_label, created_at)
             VALUES ",
        );
        q.rows(chunk, |row, (referrer, referred)| {
            row.bind(*referrer)
                .bind(*referred)
                .bind(true)
                .bind(source)
                .bind(now)
                .bind(actor_label)
                .bind(now);
        });
        q.query().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Records that `referred` joined with `referrer`'s code, and refreshes the referrer's score.
pub async fn attribute(
    conn: &mut AnyConnection,
    referrer: i64,
    referred: i64,
    source: &str,
    actor_label: &str,
    now: i64,
) -> Result<(), AppError> {
    record(conn, &[(referrer, referred)], source, actor_label, now).await?;
    crate::standing::recompute::refresh(conn, &[referrer], now).await
}
