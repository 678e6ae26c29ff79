//! Two-factor authentication for staff with TOTP (RFC 6238: SHA-1, six digits, 30-second steps,
//! one step of clock drift either way). Each code works once (the last accepted step is kept);
//! ten recovery codes, kept as hashes, each work once too. A sign-in whose password was right
//! waits as a challenge for five minutes, throttled like passwords.
use super::sessions::{hash_token, new_token};
use super::throttle;
use crate::audit::{Actor, Entry};
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::state::AppState;
use totp_rs::{Algorithm, Secret, TOTP};

const STEP_SECS: u64 = 30;
const RECOVERY_CODES: usize = 10;
const CHALLENGE_MINUTES: i64 = 5;
/// Codes tried per account within the sign-in window before the challenge is refused.
const ATTEMPTS: i64 = 5;
/// The org setting that makes a second factor mandatory for managers and admins.
pub const REQUIRED_SETTING: &str = "second_factor_required";

fn totp(secret: &str) -> Result<TOTP, AppError> {
    let bytes = Secret::Encoded(secret.to_string())
        .to_bytes()
        .map_err(|e| AppError::internal("stored second-factor secret", format!("{e:?}")))?;
    TOTP::new(Algorithm::SHA1, 6, 1, STEP_SECS, bytes)
        .map_err(|e| AppError::internal("second-factor secret", format!("{e:?}")))
}

/// The code an authenticator shows for `secret` (base32) at `unix_secs`.
pub fn code_at(secret: &str, unix_secs: u64) -> Result<String, AppError> {
    Ok(totp(secret)?.generate(unix_secs))
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_url(secret: &str, email: &str) -> String {
    use crate::url_encoding::encode;
    format!(
        "otpauth://totp/Extra%20Mile:{}?secret={secret}&issuer=Extra%20Mile&algorithm=SHA1&digits=6&period={STEP_SECS}",
        encode(email)
    )
}

/// The QR code of `text` as an SVG image in a `data:` address (rendered on the server).
pub fn qr_data_uri(text: &str) -> Result<String, AppError> {
    use base64::Engine;
    use qrcode::render::svg;
    let code =
        qrcode::QrCode::new(text.as_bytes()).map_err(|e| AppError::internal("QR code", e))?;
    let image = code
        .render::<svg::Color>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    Ok(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(image)
    ))
}

/// Whether the staff member has a confirmed second factor.
pub async fn enabled(db: &Db, staff_id: i64) -> Result<bool, AppError> {
    let at: Option<Option<i64>> =
        sqlx::query_scalar("SELECT enabled_at FROM staff_second_factors WHERE staff_id = $1")
            .bind(staff_id)
            .fetch_optional(db)
            .await?;
    Ok(at.flatten().is_some())
}

/// Whether the organisation makes a second factor mandatory for managers and admins.
pub async fn required(db: &Db) -> Result<bool, AppError> {
    Ok(crate::org_settings::get(db, REQUIRED_SETTING)
        .await?
        .as_deref()
        == Some("1"))
}

/// What the account page shows about the second factor.
pub struct Status {
    pub enabled: bool,
    /// A secret waiting for its first code: (base32 secret, otpauth address).
    pub pending: Option<(String, String)>,
    pub recovery_codes_left: i64,
}

pub async fn status(db: &Db, staff_id: i64, email: &str) -> Result<Status, AppError> {
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT secret, enabled_at FROM staff_second_factors WHERE staff_id = $1")
            .bind(staff_id)
            .fetch_optional(db)
            .await?;
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM staff_recovery_codes WHERE staff_id = $1 AND used_at IS NULL",
    )
    .bind(staff_id)
    .fetch_one(db)
    .await?;
    Ok(match row {
        Some((_, Some(_))) => Status {
            enabled: true,
            pending: None,
            recovery_codes_left: left,
        },
        Some((secret, None)) => Status {
            enabled: false,
            pending: Some((secret.clone(), otpauth_url(&secret, email))),
            recovery_codes_left: 0,
        },
        None => Status {
            enabled: false,
            pending: None,
            recovery_codes_left: 0,
        },
    })
}

/// Starts enrolment with a fresh 160-bit secret (replacing one never confirmed).
pub async fn begin(db: &Db, staff_id: i64) -> Result<(), AppError> {
    use rand::RngCore;
    if enabled(db, staff_id).await? {
        return Err(AppError::Conflict(
            "Two-factor authentication is on already.".into(),
        ));
    }
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let Secret::Encoded(secret) = Secret::Raw(bytes.to_vec()).to_encoded() else {
        return Err(AppError::internal("second-factor secret", "not encoded"));
    };
    sqlx::query(
        "INSERT INTO staff_second_factors (staff_id, secret, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (staff_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, last_step = 0",
    )
    .bind(staff_id)
    .bind(secret)
    .bind(now_ms())
    .execute(db)
    .await?;
    Ok(())
}

/// The time step `code` matches for `secret` around now, if any, newer than `after`.
fn matching_step(secret: &str, code: &str, after: i64) -> Result<Option<i64>, AppError> {
    let code: String = code.chars().filter(|c| c.is_ascii_digit()).collect();
    if code.len() != 6 {
        return Ok(None);
    }
    let totp = totp(secret)?;
    let now = (now_ms() / 1000) as u64 / STEP_SECS;
    Ok([now - 1, now, now + 1]
        .into_iter()
        .filter(|step| *step as i64 > after)
        .find(|step| totp.generate(step * STEP_SECS) == code)
        .map(|step| step as i64))
}

/// Confirms enrolment with a first code; returns the ten recovery codes, shown once.
pub async fn confirm(
    db: &Db,
    staff_id: i64,
    code: &str,
    actor: &Actor,
) -> Result<Vec<String>, AppError> {
    let secret: Option<String> = sqlx::query_scalar(
        "SELECT secret FROM staff_second_factors WHERE staff_id = $1 AND enabled_at IS NULL",
    )
    .bind(staff_id)
    .fetch_optional(db)
    .await?;
    let secret = secret.ok_or_else(|| {
        AppError::Conflict("Start setting up two-factor authentication first.".into())
    })?;
    let step = matching_step(&secret, code, 0)?.ok_or_else(|| {
        AppError::field(
            "code",
            "That code does not match. Enter the six digits your app shows now.",
        )
    })?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code()).collect();
    let mut tx = crate::db::begin_write(db).await?;
    sqlx::query(
        "UPDATE staff_second_factors SET enabled_at = $1, last_step = $2 WHERE staff_id = $3",
    )
    .bind(now_ms())
    .bind(step)
    .bind(staff_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM staff_recovery_codes WHERE staff_id = $1")
        .bind(staff_id)
        .execute(&mut *tx)
        .await?;
    for code in &codes {
        sqlx::query("INSERT INTO staff_recovery_codes (code_hash, staff_id) VALUES ($1, $2)")
            .bind(hash_token(&normalise_recovery(code)))
            .bind(staff_id)
            .execute(&mut *tx)
            .await?;
    }
    Entry::new(actor, "second_factor.enable", "account")
        .id(format!("staff:{staff_id}"))
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(codes)
}

/// A recovery code like `k7qm-2xwd` (no look-alike characters).
fn recovery_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    let mut pick = || ALPHABET[rng.gen_range(0..ALPHABET.len())] as char;
    let first: String = (0..4).map(|_| pick()).collect();
    let second: String = (0..4).map(|_| pick()).collect();
    format!("{first}-{second}")
}

fn normalise_recovery(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Removes the second factor and its recovery codes (its owner, with their password checked
/// by the caller, or an admin); the staff member's sessions end when an admin does it.
pub async fn remove(db: &Db, staff_id: i64, actor: &Actor, action: &str) -> Result<(), AppError> {
    let mut tx = crate::db::begin_write(db).await?;
    let removed = sqlx::query("DELETE FROM staff_second_factors WHERE staff_id = $1")
        .bind(staff_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query("DELETE FROM staff_recovery_codes WHERE staff_id = $1")
        .bind(staff_id)
        .execute(&mut *tx)
        .await?;
    if removed == 0 {
        return Err(AppError::Conflict(
            "Two-factor authentication is not set up for this account.".into(),
        ));
    }
    Entry::new(actor, action, "account")
        .id(format!("staff:{staff_id}"))
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Checks a six-digit code (each time step once) or an unused recovery code (used up).
async fn verify(db: &Db, staff_id: i64, code: &str) -> Result<bool, AppError> {
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT secret, last_step FROM staff_second_factors WHERE staff_id = $1 AND enabled_at IS NOT NULL",
    )
    .bind(staff_id)
    .fetch_optional(db)
    .await?;
    let Some((secret, last_step)) = row else {
        return Ok(false);
    };
    if let Some(step) = matching_step(&secret, code, last_step)? {
        // Two requests with the same code: only one moves the step on.
        let claimed = sqlx::query(
            "UPDATE staff_second_factors SET last_step = $1 WHERE staff_id = $2 AND last_step < $1",
        )
        .bind(step)
        .bind(staff_id)
        .execute(db)
        .await?;
        return Ok(claimed.rows_affected() == 1);
    }
    let used = sqlx::query(
        "UPDATE staff_recovery_codes SET used_at = $1
         WHERE code_hash = $2 AND staff_id = $3 AND used_at IS NULL",
    )
    .bind(now_ms())
    .bind(hash_token(&normalise_recovery(code)))
    .bind(staff_id)
    .execute(db)
    .await?;
    Ok(used.rows_affected() == 1)
}

/// A sign-in waiting for its second factor; returns the token for the browser.
pub async fn challenge(db: &Db, staff_id: i64, next: Option<&str>) -> Result<String, AppError> {
    let (token, hash) = new_token();
    let now = now_ms();
    sqlx::query("DELETE FROM second_factor_challenges WHERE expires_at < $1")
        .bind(now)
        .execute(db)
        .await?;
    sqlx::query(
        "INSERT INTO second_factor_challenges (token_hash, staff_id, next_path, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(hash)
    .bind(staff_id)
    .bind(next)
    .bind(now)
    .bind(now + CHALLENGE_MINUTES * 60_000)
    .execute(db)
    .await?;
    Ok(token)
}

/// Why a second-factor step did not go through.
#[derive(Debug)]
pub enum StepRefusal {
    /// The challenge is unknown or expired: sign in again.
    Expired,
    WrongCode,
    Throttled,
    Failed(AppError),
}

impl From<AppError> for StepRefusal {
    fn from(e: AppError) -> Self {
        Self::Failed(e)
    }
}

impl From<sqlx::Error> for StepRefusal {
    fn from(e: sqlx::Error) -> Self {
        Self::Failed(e.into())
    }
}

/// Answers a challenge with a code: on success the challenge is used up and the staff member's
/// id and where to go next are returned. Attempts are counted before they are judged.
pub async fn answer(
    state: &AppState,
    token: &str,
    code: &str,
    ip: &str,
) -> Result<(i64, Option<String>), StepRefusal> {
    let db = &state.db;
    let now = now_ms();
    let row: Option<(i64, Option<String>)> = sqlx::query_as(
        "SELECT staff_id, next_path FROM second_factor_challenges WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(hash_token(token))
    .bind(now)
    .fetch_optional(db)
    .await?;
    let (staff_id, next) = row.ok_or(StepRefusal::Expired)?;
    let key = format!("2fa:{staff_id}");
    let window = state.settings.signin_window_minutes * 60_000;
    if throttle::count_attempt(db, &key, now, window).await? > ATTEMPTS {
        return Err(StepRefusal::Throttled);
    }
    let actor = Actor::staff(staff_id, &format!("staff:{staff_id}"));
    if !verify(db, staff_id, code).await? {
        Entry::new(&actor, "second_factor.failure", "account")
            .id(format!("staff:{staff_id}"))
            .ip(ip)
            .write(db)
            .await?;
        return Err(StepRefusal::WrongCode);
    }
    let claimed = sqlx::query("DELETE FROM second_factor_challenges WHERE token_hash = $1")
        .bind(hash_token(token))
        .execute(db)
        .await?;
    if claimed.rows_affected() == 0 {
        return Err(StepRefusal::Expired);
    }
    throttle::clear(db, &key).await?;
    Entry::new(&actor, "second_factor.success", "account")
        .id(format!("staff:{staff_id}"))
        .ip(ip)
        .write(db)
        .await?;
    Ok((staff_id, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_rfc_6238_test_vectors() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", last six digits.
        let secret = match Secret::Raw(b"12345678901234567890".to_vec()).to_encoded() {
            Secret::Encoded(s) => s,
            Secret::Raw(_) => unreachable!(),
        };
        assert_eq!(code_at(&secret, 59).unwrap(), "287082");
        assert_eq!(code_at(&secret, 1_111_111_109).unwrap(), "081804");
        assert_eq!(code_at(&secret, 2_000_000_000).unwrap(), "279037");
    }

    #[test]
    fn recovery_codes_are_read_however_they_are_typed() {
        assert_eq!(normalise_recovery(" K7QM-2xwd "), "k7qm2xwd");
        let code = recovery_code();
        assert_eq!(code.len(), 9);
        assert_eq!(normalise_recovery(&code).len(), 8);
    }

    #[test]
    fn the_authenticator_address_names_the_product_and_the_account() {
        let url = otpauth_url("ABC", "kim@example.com");
        assert!(url.starts_with("otpauth://totp/Extra%20Mile:kim%40example.com?secret=ABC"));
        assert!(qr_data_uri(&url)
            .unwrap()
            .starts_with("data:image/svg+xml;base64,"));
    }
}
