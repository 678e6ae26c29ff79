//! Signing in staff and customers: rate limits per account and per address, audited outcomes,
//! and a fresh session id at every sign-in.
use super::hashing::verify_password;
use super::sessions::{self, AccountKind};
use crate::audit::{self, Actor, Entry, Scope};
use crate::db::now_ms;
use crate::error::AppError;
use crate::state::AppState;
use sqlx::Row;

const FAILURE: &str = "signin.failure";

/// A successful sign-in: the new session token and where the person belongs.
pub struct SignedIn {
    pub token: String,
    pub home: &'static str,
}

/// Checks the rate limits, then the password; on success starts a session, ending the one the
/// browser had before (session rotation).
pub async fn sign_in(
    state: &AppState,
    kind: AccountKind,
    email: &str,
    password: String,
    ip: &str,
    previous_token: Option<&str>,
) -> Result<SignedIn, AppError> {
    let email = email.trim().to_lowercase();
    let settings = &state.settings;
    let since = now_ms() - settings.signin_window_minutes * 60_000;
    let account_key = format!("{}:{email}", kind.as_str());
    let by_account =
        audit::count_since(&state.db, FAILURE, since, Scope::EntityId(&account_key)).await?;
    let by_ip = audit::count_since(&state.db, FAILURE, since, Scope::Ip(ip)).await?;
    if by_account >= settings.signin_limit_per_account || by_ip >= settings.signin_limit_per_ip {
        let actor = Actor::anonymous(&email);
        Entry::new(&actor, "signin.throttled", "account")
            .id(&account_key)
            .ip(ip)
            .write(&state.db)
            .await?;
        return Err(AppError::TooManyRequests(format!(
            "Too many sign-in attempts. Wait {} minutes and try again.",
            settings.signin_window_minutes
        )));
    }

    let account = match kind {
        AccountKind::Staff => {
            sqlx::query("SELECT id, password_hash, active FROM staff_users WHERE email = $1")
                .bind(&email)
                .fetch_optional(&state.db)
                .await?
        }
        AccountKind::Customer => {
            sqlx::query(
                "SELECT c.id, l.password_hash, 1 AS active FROM customers c
                 JOIN customer_logins l ON l.customer_id = c.id WHERE c.email = $1",
            )
            .bind(&email)
            .fetch_optional(&state.db)
            .await?
        }
    };
    let (id, hash, active) = match account {
        Some(row) => (
            Some(row.try_get::<i64, _>("id")?),
            Some(row.try_get::<String, _>("password_hash")?),
            row.try_get::<i64, _>("active")? == 1,
        ),
        None => (None, None, false),
    };
    let password_ok = verify_password(password, hash).await;
    let (Some(id), true, true) = (id, password_ok, active) else {
        let actor = Actor::anonymous(&email);
        Entry::new(&actor, FAILURE, "account")
            .id(&account_key)
            .ip(ip)
            .write(&state.db)
            .await?;
        return Err(AppError::Validation {
            message: "That email and password do not match an active account.".into(),
            fields: vec![],
        });
    };

    if let Some(previous) = previous_token {
        sessions::end(&state.db, previous).await?;
    }
    let token = sessions::start(&state.db, kind, id, ip).await?;
    let actor = match kind {
        AccountKind::Staff => Actor::staff(id, &email),
        AccountKind::Customer => Actor::customer(id, &email),
    };
    Entry::new(&actor, "signin.success", "account")
        .id(&account_key)
        .ip(ip)
        .write(&state.db)
        .await?;
    if kind == AccountKind::Customer {
        sqlx::query("UPDATE customer_logins SET last_sign_in_at = $1 WHERE customer_id = $2")
            .bind(now_ms())
            .bind(id)
            .execute(&state.db)
            .await?;
    }
    Ok(SignedIn {
        token,
        home: if kind == AccountKind::Staff {
            "/dashboard"
        } else {
            "/portal"
        },
    })
}

/// Ends a session and records the sign-out.
pub async fn sign_out(
    state: &AppState,
    token: &str,
    actor: &Actor,
    ip: &str,
) -> Result<(), AppError> {
    sessions::end(&state.db, token).await?;
    Entry::new(actor, "signout", "account")
        .ip(ip)
        .write(&state.db)
        .await
}

/// A local path to return to after sign-in; anything else (other hosts, `//x`) is dropped.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let local = next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\");
    (local && !next.contains(['\r', '\n'])).then(|| next.to_string())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn local_paths_are_kept_after_sign_in() {
        assert_eq!(
            safe_next(Some("/customers?page=2")).as_deref(),
            Some("/customers?page=2")
        );
    }

    #[test]
    fn other_hosts_are_never_followed_after_sign_in() {
        assert_eq!(safe_next(Some("https://evil.example/x")), None);
        assert_eq!(safe_next(Some("//evil.example/x")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(None), None);
    }
}
