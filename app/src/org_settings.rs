//! The organisation's key/value settings table, one reader and writer for every module: the
//! store below the domains, so accounts, feedback and reports read their settings alike.
use crate::error::AppError;

pub async fn get<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    db: E,
    key: &str,
) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT value FROM org_settings WHERE key = $1")
            .bind(key)
            .fetch_optional(db)
            .await?,
    )
}

pub async fn put<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    db: E,
    key: &str,
    value: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO org_settings (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(db)
    .await?;
    Ok(())
}
