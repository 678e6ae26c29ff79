//! API tokens for other systems: created (shown once), listed, revoked. Only their SHA-256 is
//! stored; a request presents the token as `Authorization: Bearer em_…`.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// When it stops working, if ever.
    pub expires_at: Option<i64>,
    /// Whether it may only read (GET), never change anything.
    pub read_only: bool,
}

/// What a new token may do and for how long.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TokenLimits {
    pub expires_at: Option<i64>,
    pub read_only: bool,
}

impl TokenLimits {
    /// Reads "never"/"" or a number of days (1 to 3650) and a read-only flag as a form sends them.
    pub fn parse(expires_in_days: &str, read_only: &str, now: i64) -> Result<Self, AppError> {
        let expires_at =
            match expires_in_days.trim() {
                "" | "never" => None,
                days => match days.parse::<i64>() {
                    Ok(d) if (1..=3650).contains(&d) => Some(now + d * 86_400_000),
                    _ => return Err(AppError::field(
                        "expires_in_days",
                        "Choose when the token expires: a number of days from 1 to 3650, or never.",
                    )),
                },
            };
        Ok(Self {
            expires_at,
            read_only: matches!(read_only, "1" | "on" | "true"),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokensView {
    pub tokens: Vec<ApiToken>,
    /// A token just created, shown this once.
    pub revealed: Option<String>,
}

#[cfg(feature = "ssr")]
pub mod queries {
    use super::{ApiToken, TokenLimits};
    use crate::accounts::sessions::{hash_token, new_token};
    use crate::audit::{Actor, Entry};
    use crate::db::{now_ms, Db};
    use crate::error::AppError;
    use sqlx::Row;

    /// The caller behind a valid bearer token.
    #[derive(Clone, Debug)]
    pub struct ApiClient {
        pub token_id: i64,
        pub name: String,
        pub read_only: bool,
    }

    pub fn parse_name(name: &str) -> Result<String, AppError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(AppError::field(
                "name",
                "Name the token after the system that will use it (up to 80 characters).",
            ));
        }
        Ok(name.to_string())
    }

    /// Whether the token was made by a staff member who is an active admin now: tokens act for
    /// their maker on admin-only routes, so a maker who left or lost the role takes that away.
    pub async fn made_by_admin(db: &Db, token_id: i64) -> Result<bool, AppError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT s.id FROM api_tokens t JOIN staff_users s ON s.id = t.created_by
             WHERE t.id = $1 AND s.role = 'admin' AND s.active = 1",
        )
        .bind(token_id)
        .fetch_optional(db)
        .await?;
        Ok(found.is_some())
    }

    /// Creates a token and returns it with its plain value, which is never stored.
    pub async fn create(
        db: &Db,
        name: &str,
        limits: TokenLimits,
        created_by: Option<i64>,
        actor: &Actor,
    ) -> Result<(ApiToken, String), AppError> {
        let name = parse_name(name)?;
        let (secret, _) = new_token();
        let token = format!("em_{secret}");
        let prefix: String = token.chars().take(10).collect();
        let now = now_ms();
        let mut tx = crate::db::begin_write(db).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (name, token_hash, prefix, created_by, created_at, expires_at, read_only)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&name)
        .bind(hash_token(&token))
        .bind(&prefix)
        .bind(created_by)
        .bind(now)
        .bind(limits.expires_at)
        .bind(limits.read_only as i64)
        .fetch_one(&mut *tx)
        .await?;
        let record = ApiToken {
            id,
            name,
            prefix,
            created_at: now,
            last_used_at: None,
            revoked_at: None,
            expires_at: limits.expires_at,
            read_only: limits.read_only,
        };
        Entry::new(actor, "api_token.create", "api_token")
            .id(id)
            .after(&record)
            .write(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((record, token))
    }

    pub async fn list(db: &Db) -> Result<Vec<ApiToken>, AppError> {
        let rows = sqlx::query(
            "SELECT id, name, prefix, created_at, last_used_at, revoked_at, expires_at, read_only FROM api_tokens
             ORDER BY CASE WHEN revoked_at IS NULL THEN 0 ELSE 1 END, created_at DESC",
        )
        .fetch_all(db)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ApiToken {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    prefix: r.try_get("prefix")?,
                    created_at: r.try_get("created_at")?,
                    last_used_at: r.try_get("last_used_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                    expires_at: r.try_get("expires_at")?,
                    read_only: r.try_get::<i64, _>("read_only")? == 1,
                })
            })
            .collect()
    }

    pub async fn revoke(db: &Db, id: i64, actor: &Actor) -> Result<(), AppError> {
        let mut tx = crate::db::begin_write(db).await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(AppError::NotFound("An active token with that id".into()));
        }
        Entry::new(actor, "api_token.revoke", "api_token")
            .id(id)
            .write(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks an `Authorization` header value. Revoked, expired and unknown tokens are refused
    /// alike.
    pub async fn authenticate(db: &Db, header: Option<&str>) -> Result<ApiClient, AppError> {
        let token = header
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| t.starts_with("em_"))
            .ok_or(AppError::Unauthenticated)?;
        let row = sqlx::query(
            "SELECT id, name, last_used_at, read_only FROM api_tokens
             WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)",
        )
        .bind(hash_token(token))
        .bind(now_ms())
        .fetch_optional(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
        let client = ApiClient {
            token_id: row.try_get("id")?,
            name: row.try_get("name")?,
            read_only: row.try_get::<i64, _>("read_only")? == 1,
        };
        // "Last used" is shown to the minute: writing it on every call would make each API read
        // a write (and a commit to wait for).
        let now = now_ms();
        let last: Option<i64> = row.try_get("last_used_at")?;
        if last.is_none_or(|at| now - at >= 60_000) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(client.token_id)
                .execute(db)
                .await?;
        }
        Ok(client)
    }
}

#[cfg(feature = "ssr")]
use crate::accounts::Role;

#[server(prefix = "/fn", endpoint = "admin/tokens/list")]
pub async fn list_tokens() -> Result<TokensView, AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let tokens = queries::list(&admin.state.db).await?;
        let revealed = crate::accounts::reveal::take(("/admin/tokens", "/fn/admin/tokens/list"))
            .filter(|s| s.starts_with("em_"));
        Ok(TokensView { tokens, revealed })
    })
    .await
}

#[server(prefix = "/fn", endpoint = "admin/tokens/create")]
pub async fn create_token(
    name: String,
    #[server(default)] expires_in_days: String,
    #[server(default)] read_only: String,
) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let limits = TokenLimits::parse(&expires_in_days, &read_only, crate::db::now_ms())?;
        let (record, token) = queries::create(
            &admin.state.db,
            &name,
            limits,
            Some(admin.viewer.id),
            &admin.actor(),
        )
        .await?;
        crate::accounts::reveal::set(&token, ("/admin/tokens", "/fn/admin/tokens/list"));
        leptos_axum::redirect("/admin/tokens?flash=token-created");
        Ok(record.id)
    })
    .await
}

#[server(prefix = "/fn", endpoint = "admin/tokens/revoke")]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        queries::revoke(&admin.state.db, id, &admin.actor()).await?;
        leptos_axum::redirect("/admin/tokens?flash=token-revoked");
        Ok(())
    })
    .await
}
