//! Visits to a referral link, counted once per visitor and day.
use crate::db::Db;
use crate::error::AppError;

/// Counts a visit to a referral link; returns the referrer's first name, or None for an
/// unknown code.
pub async fn visit(
    db: &Db,
    code: &str,
    visitor: &str,
    now: i64,
) -> Result<Option<String>, AppError> {
    let mut conn = db.acquire().await?;
    let Some((id, first_name, _)) = crate::customers::referrals::owner_of(&mut conn, code).await?
    else {
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
