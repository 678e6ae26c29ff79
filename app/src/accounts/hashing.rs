//! Password hashing with argon2id at OWASP ASVS 5.0 appendix C strength (m = 46 MiB, t = 1,
//! p = 1), run off the async threads because each hash costs tens of milliseconds.
use crate::error::AppError;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

fn hasher() -> Argon2<'static> {
    let params = Params::new(46 * 1024, 1, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal("hashing a password", e))
    })
    .await
    .map_err(|e| AppError::internal("hashing task", e))?
}

/// Checks `password` against `stored`. With no stored hash (unknown account) a dummy hash is
/// still checked, so the response time does not reveal which accounts exist.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.with(|h| h.clone()));
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && known
    })
    .await
    .unwrap_or(false)
}

thread_local! {
    static DUMMY_HASH: String = {
        let salt = SaltString::generate(&mut OsRng);
        hasher().hash_password(b"no account has this password", &salt).expect("dummy hash").to_string()
    };
}
