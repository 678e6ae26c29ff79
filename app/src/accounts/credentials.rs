//! Changing and recovering passwords. A reset link is single-use, valid for an hour, kept only as
//! a hash and sent through the outbox; asking for one answers the same whether or not the
//! address has an account. Setting a new password, either way, ends the account's other sessions.
use super::hashing::{hash_password, verify_password};
use super::sessions::{hash_token, new_token, AccountKind};
use super::throttle;
use super::Password;
use crate::audit::{Actor, Entry};
use crate::db::{now_ms, Db, Sql};
use crate::error::AppError;
use crate::state::AppState;

/// How long a reset link works.
pub const RESET_VALID_MINUTES: i64 = 60;
/// Reset requests per address (and per account) in an hour before more are refused.
const RESET_REQUESTS_PER_HOUR: i64 = 5;

/// An account that can sign in: who it is and the words its password must not lean on.
struct Account {
    kind: AccountKind,
    id: i64,
    email: String,
    name: String,
    hash: String,
}

impl Account {
    fn actor(&self) -> Actor {
        match self.kind {
            AccountKind::Staff => Actor::staff(self.id, &self.email),
            AccountKind::Customer => Actor::customer(self.id, &self.email),
        }
    }

    fn parse_password(&self, password: &str) -> Result<Password, AppError> {
        let context: Vec<&str> = std::iter::once(self.email.as_str())
            .chain(self.name.split(' '))
            .collect();
        Password::parse(password, &context).map_err(|m| AppError::field("password", m))
    }
}

const STAFF: &str = "SELECT id, email, name, password_hash FROM staff_users WHERE active = 1";
const CUSTOMER: &str = "SELECT c.id, c.email, c.name, l.password_hash FROM customers c
     JOIN customer_logins l ON l.customer_id = c.id WHERE l.disabled_at IS NULL";

/// How an account is looked up.
enum By<'a> {
    Id(i64),
    Email(&'a str),
}

async fn account(db: &Db, kind: AccountKind, by: By<'_>) -> Result<Option<Account>, AppError> {
    let (base, id, email) = match kind {
        AccountKind::Staff => (STAFF, "id = ", "email = "),
        AccountKind::Customer => (CUSTOMER, "c.id = ", "c.email = "),
    };
    let mut q = Sql::filtered(base);
    match by {
        By::Id(v) => q.and().push(id).bind(v),
        By::Email(v) => q.and().push(email).bind(v),
    };
    let row: Option<(i64, Option<String>, String, String)> =
        q.query_as().fetch_optional(db).await?;
    Ok(row.map(|(id, email, name, hash)| Account {
        kind,
        id,
        email: email.unwrap_or_default(),
        name,
        hash,
    }))
}

/// Writes a new password hash and ends the account's sessions except `keep` (a session token's
/// hash), in the caller's transaction.
async fn store_password(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    account: &Account,
    hash: &str,
    keep: Option<&str>,
) -> Result<(), AppError> {
    let now = now_ms();
    let update = match account.kind {
        AccountKind::Staff => {
            sqlx::query("UPDATE staff_users SET password_hash = $1, updated_at = $2 WHERE id = $3 AND active = 1")
                .bind(hash)
                .bind(now)
                .bind(account.id)
        }
        AccountKind::Customer => sqlx::query(
            "UPDATE customer_logins SET password_hash = $1 WHERE customer_id = $2 AND disabled_at IS NULL",
        )
        .bind(hash)
        .bind(account.id),
    };
    if update.execute(&mut **tx).await?.rows_affected() == 0 {
        // Deactivated, or a portal login switched off, since it was looked up.
        return Err(AppError::NotFound("That account".into()));
    }
    sqlx::query(
        "DELETE FROM sessions WHERE account_kind = $1 AND account_id = $2 AND id_hash <> $3",
    )
    .bind(account.kind.as_str())
    .bind(account.id)
    .bind(keep.unwrap_or(""))
    .execute(&mut **tx)
    .await?;
    // Any reset link still outstanding is for the old password.
    sqlx::query(
        "UPDATE password_resets SET used_at = $1
         WHERE account_kind = $2 AND account_id = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(account.kind.as_str())
    .bind(account.id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Checks a signed-in person's current password before a sensitive change (password, second
/// factor): throttled like a sign-in, verified in a password slot. A wrong one is a field error
/// on `field`.
pub async fn confirm_current_password(
    state: &AppState,
    kind: AccountKind,
    account_id: i64,
    password: String,
    field: &str,
) -> Result<(), AppError> {
    let db = &state.db;
    let account = account(db, kind, By::Id(account_id))
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let key = format!("change:{}:{}", kind.as_str(), account.id);
    let window = state.settings.signin_window_minutes * 60_000;
    if throttle::count_attempt(db, &key, now_ms(), window).await?
        > state.settings.signin_limit_per_account_address
    {
        return Err(AppError::TooManyRequests(
            "Too many attempts. Wait a few minutes and try again.".into(),
        ));
    }
    let slot = state.password_slot().await?;
    let ok = verify_password(password, Some(account.hash.clone())).await;
    drop(slot);
    if !ok {
        return Err(AppError::field(field, "That is not your current password."));
    }
    throttle::clear(db, &key).await
}

/// Changes a signed-in person's password: the current one is required, checked in a password
/// slot and throttled like a sign-in; every other session of theirs ends.
pub async fn change_password(
    state: &AppState,
    kind: AccountKind,
    account_id: i64,
    current: String,
    new: &str,
    session_token: &str,
) -> Result<(), AppError> {
    confirm_current_password(state, kind, account_id, current, "current").await?;
    let db = &state.db;
    let account = account(db, kind, By::Id(account_id))
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let password = account.parse_password(new)?;
    let slot = state.password_slot().await?;
    let hash = hash_password(password.expose().to_string()).await?;
    drop(slot);
    let mut tx = crate::db::begin_write(db).await?;
    store_password(&mut tx, &account, &hash, Some(&hash_token(session_token))).await?;
    Entry::new(&account.actor(), "password.change", "account")
        .id(format!("{}:{}", kind.as_str(), account.id))
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Spends a customer's unused reset links and invitations, in the caller's transaction: they
/// were sent to an address that no longer signs in (email changed, portal login switched off).
pub async fn spend_customer_links(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    customer_id: i64,
) -> Result<(), AppError> {
    let now = now_ms();
    sqlx::query(
        "UPDATE password_resets SET used_at = $1
         WHERE account_kind = 'customer' AND account_id = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(customer_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE portal_invitations SET expires_at = $1
         WHERE customer_id = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(customer_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Where a reset link for this kind of account leads.
pub fn reset_path(kind: AccountKind, token: &str) -> String {
    match kind {
        AccountKind::Staff => format!("/reset/{token}"),
        AccountKind::Customer => format!("/portal/reset/{token}"),
    }
}

/// Queues a reset link for an account in `tx`: the hashed token and the email, together.
async fn issue(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    account: &Account,
    public_url: &str,
    reason: &str,
) -> Result<(), AppError> {
    let (token, hash) = new_token();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO password_resets (token_hash, account_kind, account_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&hash)
    .bind(account.kind.as_str())
    .bind(account.id)
    .bind(now)
    .bind(now + RESET_VALID_MINUTES * 60_000)
    .execute(&mut **tx)
    .await?;
    let link = format!(
        "{}{}",
        public_url.trim_end_matches('/'),
        reset_path(account.kind, &token)
    );
    let body = format!(
        "Hello {},\n\n{reason}\n\nChoose a new password here (the link works once, for {RESET_VALID_MINUTES} minutes):\n{link}\n\n\
         If you did not ask for this, ignore this email: your password stays as it is.\n",
        account.name
    );
    crate::outbox::queue(
        &mut **tx,
        &account.email,
        "Reset your Extra Mile password",
        &body,
    )
    .await
}

/// "Forgot password": sends a reset link if the address has an account. The caller answers the
/// same either way; only the rate limit (per address and per email) is ever refused.
pub async fn request_reset(
    state: &AppState,
    kind: AccountKind,
    email: &str,
    ip: &str,
) -> Result<(), AppError> {
    let db = &state.db;
    let email = super::signin::normalise_email(email);
    let now = now_ms();
    let hour = 3_600_000;
    let by_address = throttle::count_attempt(
        db,
        &format!("reset-ip:{}", throttle::client_key(ip)),
        now,
        hour,
    )
    .await?;
    let by_email =
        throttle::count_attempt(db, &format!("reset:{}:{email}", kind.as_str()), now, hour).await?;
    if by_address > RESET_REQUESTS_PER_HOUR * 4 || by_email > RESET_REQUESTS_PER_HOUR {
        return Err(AppError::TooManyRequests(
            "Too many reset requests. Wait an hour and try again.".into(),
        ));
    }
    let Some(account) = account(db, kind, By::Email(&email)).await? else {
        return Ok(());
    };
    let mut tx = crate::db::begin_write(db).await?;
    issue(
        &mut tx,
        &account,
        &state.settings.public_url,
        "Someone (we hope you) asked to reset the password of your Extra Mile account.",
    )
    .await?;
    Entry::new(
        &Actor::anonymous(&email),
        "password_reset.request",
        "account",
    )
    .id(format!("{}:{}", kind.as_str(), account.id))
    .ip(ip)
    .write(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An admin sends a staff member a reset link.
pub async fn send_staff_reset(
    state: &AppState,
    staff_id: i64,
    actor: &Actor,
) -> Result<String, AppError> {
    let account = account(&state.db, AccountKind::Staff, By::Id(staff_id))
        .await?
        .ok_or_else(|| AppError::NotFound("That active staff account".into()))?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    issue(
        &mut tx,
        &account,
        &state.settings.public_url,
        "An administrator of Extra Mile sent you this link to set a new password.",
    )
    .await?;
    Entry::new(actor, "password_reset.send", "account")
        .id(format!("staff:{staff_id}"))
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(account.email)
}

/// The account a reset link is for, while it is unused and unexpired.
pub async fn open_reset(db: &Db, token: &str) -> Result<Option<(AccountKind, i64)>, AppError> {
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT account_kind, account_id FROM password_resets
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(hash_token(token))
    .bind(now_ms())
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(kind, id)| {
        let kind = if kind == "staff" {
            AccountKind::Staff
        } else {
            AccountKind::Customer
        };
        (kind, id)
    }))
}

/// Uses a reset link of `kind`: sets the new password, uses up the link and ends every session
/// of the account. A used, expired or unknown link is `NotFound`.
pub async fn complete_reset(
    state: &AppState,
    kind: AccountKind,
    token: &str,
    new: &str,
) -> Result<(), AppError> {
    let gone = || AppError::NotFound("This reset link".into());
    let db = &state.db;
    let (link_kind, id) = open_reset(db, token).await?.ok_or_else(gone)?;
    if link_kind != kind {
        return Err(gone());
    }
    let account = account(db, kind, By::Id(id)).await?.ok_or_else(gone)?;
    let password = account.parse_password(new)?;
    let slot = state.password_slot().await?;
    let hash = hash_password(password.expose().to_string()).await?;
    drop(slot);
    let mut tx = crate::db::begin_write(db).await?;
    let claimed = sqlx::query(
        "UPDATE password_resets SET used_at = $1
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now_ms())
    .bind(hash_token(token))
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        return Err(gone());
    }
    store_password(&mut tx, &account, &hash, None).await?;
    Entry::new(&account.actor(), "password_reset.complete", "account")
        .id(format!("{}:{}", kind.as_str(), account.id))
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
