//! Referral codes: who owns one, a visit to a referral link, and attributing a new customer to
//! the customer whose code they came with.
use crate::db::Db;
use crate::error::AppError;
use sqlx::{AnyConnection, Row};

/// The customer who owns a referral code: (id, first name, external reference or email).
pub async fn owner_of(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Option<(i64, String, String)>, AppError> {
    let row = sqlx::query(
        "SELECT id, name, COALESCE(external_ref, email, CAST(id AS TEXT)) AS label FROM customers WHERE referral_code = $1",
    )
    .bind(code.trim().to_uppercase())
    .fetch_optional(conn)
    .await?;
    Ok(match row {
        None => None,
        Some(r) => {
            let name: String = r.try_get("name")?;
            Some((
                r.try_get("id")?,
                name.split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                r.try_get("label")?,
            ))
        }
    })
}

/// Counts a visit to a referral link; returns the referrer's first name, or None for an
/// unknown code.
pub async fn visit(
    db: &Db,
    code: &str,
    visitor: &str,
    now: i64,
) -> Result<Option<String>, AppError> {
    let mut conn = db.acquire().await?;
    let Some((id, first_name, _)) = owner_of(&mut conn, code).await? else {
        return Ok(None);
    };
    // One visit per visitor (client address) and day: reloading the link, or a script hitting
    // it, neither inflates the referrer's figures nor grows the table without bound.
    let key = format!(
        "refvisit:{code}:{}",
        crate::accounts::throttle::client_key(visitor)
    );
    if crate::accounts::throttle::count_attempt(&mut *conn, &key, now, 86_400_000).await? == 1 {
        sqlx::query("INSERT INTO referral_visits (referrer_id, visited_at) VALUES ($1, $2)")
            .bind(id)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    }
    Ok(Some(first_name))
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
    sqlx::query("UPDATE customers SET referred_by_id = $1 WHERE id = $2")
        .bind(referrer)
        .bind(referred)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO referrals (referrer_id, referred_customer_id, converted, source, occurred_at, created_by_label, created_at)
         VALUES ($1, $2, 1, $3, $4, $5, $4)",
    )
    .bind(referrer)
    .bind(referred)
    .bind(source)
    .bind(now)
    .bind(actor_label)
    .execute(&mut *conn)
    .await?;
    super::queries::refresh(conn, referrer, now).await
}
