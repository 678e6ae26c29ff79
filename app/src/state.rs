//! What every handler and server function shares: the pool, the settings, the Leptos options,
//! the clock.
use crate::clock::Clock;
use crate::db::Db;
use crate::settings::Settings;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub leptos_options: LeptosOptions,
    /// Password hashes computed at once: each takes tens of megabytes, so they are bounded to
    /// the machine's cores and the rest wait briefly or are turned away.
    pub password_slots: Arc<tokio::sync::Semaphore>,
    /// The time background work reads and is paced by: the system's, or a test's.
    pub clock: Clock,
}

impl AppState {
    /// As many password slots as the machine has cores.
    pub fn password_slots_for_machine() -> Arc<tokio::sync::Semaphore> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Arc::new(tokio::sync::Semaphore::new(cores))
    }

    /// A slot to hash or verify a password in, waiting up to three seconds for one.
    pub async fn password_slot(
        &self,
    ) -> Result<tokio::sync::OwnedSemaphorePermit, crate::error::AppError> {
        let wait = std::time::Duration::from_secs(3);
        match tokio::time::timeout(wait, self.password_slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(crate::error::AppError::TooManyRequests(
                "The server is busy checking other sign-ins. Try again in a few seconds.".into(),
            )),
        }
    }

    /// The state provided to the current server function or page render.
    pub fn get() -> Result<Self, crate::error::AppError> {
        leptos::prelude::use_context::<Self>()
            .ok_or_else(|| crate::error::AppError::internal("app state", "missing from context"))
    }
}
