//! Import server functions (managers and admins): the import's state, recent imports, and
//! confirming a checked file. Uploads and error reports are plain HTTP routes in the server.
use super::{ImportRow, ImportView};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::accounts::Role;

#[server(prefix = "/fn", endpoint = "imports/get")]
pub async fn load_import(id: i64) -> Result<ImportView, AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |staff| async move {
        super::store::view(&staff.state.db, id).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "imports/recent")]
pub async fn recent_imports() -> Result<Vec<ImportRow>, AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |staff| async move {
        super::store::recent(&staff.state.db, 20).await
    })
    .await
}

/// Imports a checked file; the import runs in the background and its page shows progress.
#[server(prefix = "/fn", endpoint = "imports/start")]
pub async fn start_import(id: i64) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |staff| async move {
        super::run::start(&staff.state.db, id, staff.actor()).await?;
        if staff.ctx.accepts_html {
            leptos_axum::redirect(&format!("/customers/import/{id}"));
        }
        Ok(())
    })
    .await
}
