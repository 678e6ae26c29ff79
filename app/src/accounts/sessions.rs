//! Server-side sessions kept in the database, so any number of app instances can share them.
//! The cookie holds a random token; the database holds only its SHA-256.
use super::{CustomerViewer, Role, StaffViewer, Viewer};
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::settings::Settings;
use sqlx::Row;

/// The session cookie's name without TLS; see `Settings::session_cookie`.
pub const COOKIE: &str = "em_session";

/// A fresh random token (256 bits) and the hash stored for it.
pub fn new_token() -> (String, String) {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

pub fn hash_token(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountKind {
    Staff,
    Customer,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::Customer => "customer",
        }
    }
}

/// Starts a session and returns the cookie token.
pub async fn start(
    db: &Db,
    kind: AccountKind,
    account_id: i64,
    ip: &str,
) -> Result<String, AppError> {
    let (token, hash) = new_token();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO sessions (id_hash, account_kind, account_id, created_at, last_seen_at, ip)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&hash)
    .bind(kind.as_str())
    .bind(account_id)
    .bind(now)
    .bind(now)
    .bind(ip)
    .execute(db)
    .await?;
    Ok(token)
}

/// Ends the session with this token, if it exists.
pub async fn end(db: &Db, token: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(hash_token(token))
        .execute(db)
        .await?;
    Ok(())
}

/// Ends every session of an account (deactivation, role change, new password), with any
/// executor so it can join the change's transaction.
pub async fn end_all<'e, E>(db: E, kind: AccountKind, account_id: i64) -> Result<(), AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query("DELETE FROM sessions WHERE account_kind = $1 AND account_id = $2")
        .bind(kind.as_str())
        .bind(account_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Resolves a cookie token to the signed-in person, enforcing the idle timeout and the absolute
/// lifetime. Expired sessions are deleted on sight.
pub async fn resolve(
    db: &Db,
    settings: &Settings,
    token: &str,
) -> Result<Option<Viewer>, AppError> {
    let hash = hash_token(token);
    let Some(row) = sqlx::query(
        "SELECT account_kind, account_id, created_at, last_seen_at FROM sessions WHERE id_hash = $1",
    )
    .bind(&hash)
    .fetch_optional(db)
    .await?
    else {
        return Ok(None);
    };
    let kind: String = row.try_get("account_kind")?;
    let account_id: i64 = row.try_get("account_id")?;
    let created_at: i64 = row.try_get("created_at")?;
    let last_seen_at: i64 = row.try_get("last_seen_at")?;
    let now = now_ms();
    let idle_limit = settings.session_idle_minutes * 60_000;
    let absolute_limit = settings.session_absolute_hours * 3_600_000;
    if now - last_seen_at > idle_limit || now - created_at > absolute_limit {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(&hash)
            .execute(db)
            .await?;
        return Ok(None);
    }
    // Touch at most once a minute: enough for the idle timeout, and keeps reads read-only.
    if now - last_seen_at > 60_000 {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(now)
            .bind(&hash)
            .execute(db)
            .await?;
    }
    let viewer = if kind == "staff" {
        sqlx::query("SELECT id, name, email, role FROM staff_users WHERE id = $1 AND active = 1")
            .bind(account_id)
            .fetch_optional(db)
            .await?
            .map(|r| -> Result<Viewer, AppError> {
                let id: i64 = r.try_get("id")?;
                Ok(Viewer::Staff(StaffViewer {
                    id,
                    name: r.try_get("name")?,
                    email: r.try_get("email")?,
                    role: Role::decode(&r.try_get::<String, _>("role")?, "staff_users", id)?,
                }))
            })
            .transpose()?
    } else {
        sqlx::query(
            "SELECT c.id, c.name, c.email FROM customers c
             JOIN customer_logins l ON l.customer_id = c.id WHERE c.id = $1 AND l.disabled_at IS NULL",
        )
        .bind(account_id)
        .fetch_optional(db)
        .await?
        .map(|r| -> Result<Viewer, AppError> {
            Ok(Viewer::Customer(CustomerViewer {
                customer_id: r.try_get("id")?,
                name: r.try_get("name")?,
                email: r.try_get::<Option<String>, _>("email")?.unwrap_or_default(),
            }))
        })
        .transpose()?
    };
    Ok(viewer)
}
