//! Signing in staff and customers. Every attempt is counted before it is judged, against the
//! account from this address, the address, and the account from everywhere; past those limits
//! it is refused with the time to wait. An attacker elsewhere can slow an account down but never
//! lock its owner out of an address they have signed in from before. Password checks run in a
//! bounded number of slots, so a flood of attempts cannot exhaust the machine's memory.
use super::hashing::verify_password;
use super::sessions::{self, AccountKind};
use super::throttle;
use crate::audit::{Actor, Entry};
use crate::db::now_ms;
use crate::error::AppError;
use crate::state::AppState;
use sqlx::Row;

const FAILURE: &str = "signin.failure";
/// How long an address an account signed in from counts as that account's usual address.
const KNOWN_ADDRESS_DAYS: i64 = 30;
/// The longest email address kept in throttling keys and audit entries (RFC 5321's limit).
const MAX_EMAIL: usize = 254;

/// A successful sign-in: the new session token and where the person belongs.
pub struct SignedIn {
    pub token: String,
    pub home: &'static str,
}

/// Why a sign-in did not go through.
#[derive(Debug)]
pub enum Refusal {
    /// Too many attempts: try again after this many seconds.
    Throttled {
        retry_after_secs: i64,
    },
    /// Every password slot stayed busy.
    Busy,
    /// The email and password do not match an active account.
    Invalid,
    Failed(AppError),
}

impl From<AppError> for Refusal {
    fn from(e: AppError) -> Self {
        Self::Failed(e)
    }
}

impl From<sqlx::Error> for Refusal {
    fn from(e: sqlx::Error) -> Self {
        Self::Failed(e.into())
    }
}

/// The throttling keys of one attempt.
struct Keys {
    account: String,
    pair: String,
    address: String,
}

impl Keys {
    fn new(kind: AccountKind, email: &str, ip: &str) -> Self {
        let account = format!("{}:{email}", kind.as_str());
        let client = throttle::client_key(ip);
        Self {
            pair: format!("{account}|{client}"),
            address: format!("ip:{client}"),
            account,
        }
    }
}

/// The email as typed, normalised and cut to a length worth keeping.
pub fn normalise_email(email: &str) -> String {
    email
        .trim()
        .to_lowercase()
        .chars()
        .take(MAX_EMAIL)
        .collect()
}

/// Where a sign-in with the right password goes next.
pub enum SignInStep {
    /// Signed in.
    Session(SignedIn),
    /// The account has a second factor: the browser holds this challenge token until a code
    /// answers it.
    SecondFactor { token: String },
}

/// Counts the attempt, then checks the password; on success starts a session (ending the one
/// the browser had before: session rotation), or a second-factor challenge that remembers
/// `next`.
pub async fn sign_in(
    state: &AppState,
    kind: AccountKind,
    email: &str,
    password: String,
    ip: &str,
    previous_token: Option<&str>,
    next: Option<&str>,
) -> Result<SignInStep, Refusal> {
    let email = normalise_email(email);
    let keys = Keys::new(kind, &email, ip);
    admit(state, &keys, &email, ip).await?;
    let id = check_password(state, kind, &email, password, ip, &keys).await?;
    if kind == AccountKind::Staff && super::second_factor::enabled(&state.db, id).await? {
        // Not a success yet: the counters stand and the address is not known until the code.
        Entry::new(&Actor::staff(id, &email), "signin.password_ok", "account")
            .id(&keys.account)
            .ip(ip)
            .write(&state.db)
            .await?;
        let token = super::second_factor::challenge(&state.db, id, next).await?;
        return Ok(SignInStep::SecondFactor { token });
    }
    record_success(state, kind, id, &email, ip, &keys).await?;
    Ok(SignInStep::Session(
        start_session(state, kind, id, ip, previous_token).await?,
    ))
}

/// Starts a session for an account whose every factor checked out.
pub async fn start_session(
    state: &AppState,
    kind: AccountKind,
    id: i64,
    ip: &str,
    previous_token: Option<&str>,
) -> Result<SignedIn, AppError> {
    if let Some(previous) = previous_token {
        sessions::end(&state.db, previous).await?;
    }
    let token = sessions::start(&state.db, kind, id, ip).await?;
    Ok(SignedIn {
        token,
        home: if kind == AccountKind::Staff {
            "/dashboard"
        } else {
            "/portal"
        },
    })
}

/// Counts the attempt against every key and refuses it past a limit; otherwise waits the
/// account's growing delay, except from an address the account has signed in from before.
async fn admit(state: &AppState, keys: &Keys, email: &str, ip: &str) -> Result<(), Refusal> {
    let settings = &state.settings;
    let db = &state.db;
    let now = now_ms();
    let window = settings.signin_window_minutes * 60_000;
    // One transaction, counters always in this order: attempts on one account from one address
    // are counted one after another, each seeing every earlier one on all three counters.
    let mut tx = crate::db::begin_write(db).await?;
    let by_pair = throttle::count_attempt(&mut *tx, &keys.pair, now, window).await?;
    let by_address = throttle::count_attempt(&mut *tx, &keys.address, now, window).await?;
    let by_account = throttle::count_attempt(&mut *tx, &keys.account, now, window).await?;
    tx.commit().await?;
    let pair_limit = settings.signin_limit_per_account_address;
    let known = by_account > pair_limit && known_address(state, &keys.account, ip, now).await?;
    let over = [
        (&keys.pair, by_pair, pair_limit),
        (&keys.address, by_address, settings.signin_limit_per_ip),
        (
            &keys.account,
            if known { 0 } else { by_account },
            settings.signin_limit_per_account,
        ),
    ]
    .into_iter()
    .find(|(_, attempts, limit)| attempts > limit);
    if let Some((key, attempts, limit)) = over {
        // One entry per key and window: a flood of refused attempts does not flood the log.
        if attempts == limit + 1 {
            Entry::new(&Actor::anonymous(email), "signin.throttled", "account")
                .id(&keys.account)
                .ip(ip)
                .write(db)
                .await?;
        }
        let end = throttle::window_end(db, key, window).await?.unwrap_or(now);
        // A parallel attempt may have opened the window a moment after this one's `now`: the
        // wait is never longer than a window.
        return Err(Refusal::Throttled {
            retry_after_secs: ((end - now + 999) / 1000).clamp(1, window / 1000),
        });
    }
    if !known {
        let wait = throttle::delay_ms(by_account, pair_limit);
        if wait > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
        }
    }
    Ok(())
}

/// Whether the account signed in from this address in the last 30 days.
async fn known_address(
    state: &AppState,
    account_key: &str,
    ip: &str,
    now: i64,
) -> Result<bool, AppError> {
    let since = now - KNOWN_ADDRESS_DAYS * 86_400_000;
    let hit: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM audit_log WHERE entity = 'account' AND entity_id = $1
         AND action = 'signin.success' AND ip = $2 AND at >= $3 LIMIT 1",
    )
    .bind(account_key)
    .bind(ip)
    .bind(since)
    .fetch_optional(&state.db)
    .await?;
    Ok(hit.is_some())
}

/// Verifies the password in a bounded slot; a failure is audited.
async fn check_password(
    state: &AppState,
    kind: AccountKind,
    email: &str,
    password: String,
    ip: &str,
    keys: &Keys,
) -> Result<i64, Refusal> {
    let account = match kind {
        AccountKind::Staff => {
            sqlx::query("SELECT id, password_hash, active FROM staff_users WHERE email = $1")
                .bind(email)
                .fetch_optional(&state.db)
                .await?
        }
        AccountKind::Customer => {
            sqlx::query(
                "SELECT c.id, l.password_hash, CASE WHEN l.disabled_at IS NULL THEN 1 ELSE 0 END AS active
                 FROM customers c JOIN customer_logins l ON l.customer_id = c.id WHERE c.email = $1",
            )
            .bind(email)
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
    let slot = state.password_slot().await.map_err(|_| Refusal::Busy)?;
    let password_ok = verify_password(password, hash).await;
    drop(slot);
    let (Some(id), true, true) = (id, password_ok, active) else {
        Entry::new(&Actor::anonymous(email), FAILURE, "account")
            .id(&keys.account)
            .ip(ip)
            .write(&state.db)
            .await?;
        return Err(Refusal::Invalid);
    };
    Ok(id)
}

/// A sign-in that passed every factor: the attempts counted against the account are forgotten,
/// the success is audited (it makes this address a known one) and a customer's last sign-in
/// noted.
async fn record_success(
    state: &AppState,
    kind: AccountKind,
    id: i64,
    email: &str,
    ip: &str,
    keys: &Keys,
) -> Result<(), AppError> {
    let db = &state.db;
    throttle::clear(db, &keys.pair).await?;
    throttle::clear(db, &keys.account).await?;
    // A colleague's success does not use up the office address's allowance.
    sqlx::query(
        "UPDATE signin_throttle SET attempts = attempts - 1 WHERE key = $1 AND attempts > 0",
    )
    .bind(&keys.address)
    .execute(db)
    .await?;
    throttle::sweep(db, now_ms() - 86_400_000).await?;
    let actor = match kind {
        AccountKind::Staff => Actor::staff(id, email),
        AccountKind::Customer => Actor::customer(id, email),
    };
    Entry::new(&actor, "signin.success", "account")
        .id(&keys.account)
        .ip(ip)
        .write(db)
        .await?;
    if kind == AccountKind::Customer {
        sqlx::query("UPDATE customer_logins SET last_sign_in_at = $1 WHERE customer_id = $2")
            .bind(now_ms())
            .bind(id)
            .execute(db)
            .await?;
    }
    Ok(())
}

/// The second factor of a staff sign-in checked out: records the success as a password-only
/// sign-in would have.
pub async fn second_factor_passed(
    state: &AppState,
    staff_id: i64,
    ip: &str,
) -> Result<(), AppError> {
    let email: String = sqlx::query_scalar("SELECT email FROM staff_users WHERE id = $1")
        .bind(staff_id)
        .fetch_one(&state.db)
        .await?;
    let keys = Keys::new(AccountKind::Staff, &email, ip);
    record_success(state, AccountKind::Staff, staff_id, &email, ip, &keys).await
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

/// A path on this site to return to after sign-in, or `None` for anything a browser could read
/// as another origin: other hosts, `//x` and `/\\x`, and any whitespace or control character
/// (browsers drop a tab or newline from `/\t/x`, leaving `//x`). Only visible ASCII is kept, so
/// the `Location` header can always be written.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?;
    let visible = next.bytes().all(|b| b.is_ascii_graphic());
    let rooted = next.starts_with('/') && !next.starts_with("//");
    if !visible || !rooted || next.contains('\\') || next.len() > 2048 {
        return None;
    }
    let parsed = next.parse::<http::uri::PathAndQuery>().ok()?;
    (parsed.as_str() == next).then(|| next.to_string())
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
        assert_eq!(
            safe_next(Some("/incidents/4?tab=timeline")).as_deref(),
            Some("/incidents/4?tab=timeline")
        );
    }

    #[test]
    fn other_hosts_are_never_followed_after_sign_in() {
        for bad in [
            "https://evil.example/x",
            "//evil.example/x",
            "/\\evil.example",
            "/x\\..\\..\\evil",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), None, "{bad:?}");
        }
        assert_eq!(safe_next(None), None);
    }

    #[test]
    fn control_characters_and_whitespace_are_never_followed() {
        for bad in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\u{1}x",
            "/\u{7f}x",
            " /customers",
            "/a b",
            "/caf\u{e9}",
        ] {
            assert_eq!(safe_next(Some(bad)), None, "{bad:?}");
        }
    }
}
