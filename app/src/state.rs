//! What every handler and server function shares: the pool, the settings, the Leptos options.
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
}

impl AppState {
    /// The state provided to the current server function or page render.
    pub fn get() -> Result<Self, crate::error::AppError> {
        leptos::prelude::use_context::<Self>()
            .ok_or_else(|| crate::error::AppError::internal("app state", "missing from context"))
    }
}
