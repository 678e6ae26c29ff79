//! The account page's two-factor authentication: the wire type and its server functions
//! (status, start, confirm with a first code, switch off), plus the admin's reset and the
//! organisation setting that makes it mandatory for managers and admins.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the account page shows about the signed-in person's second factor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorView {
    pub enabled: bool,
    /// Set up but not yet confirmed: the secret to type and its QR code (a `data:` image).
    pub pending: Option<PendingEnrolment>,
    pub recovery_codes_left: i64,
    /// The recovery codes just made, shown this once.
    pub new_recovery_codes: Vec<String>,
    /// The organisation requires it of this person (managers and admins, when switched on).
    pub required: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingEnrolment {
    pub secret: String,
    pub qr: String,
}

#[cfg(feature = "ssr")]
const REVEAL: crate::accounts::reveal::Scope = ("/account", "/fn/account/two-factor");

#[cfg(feature = "ssr")]
use crate::accounts::Role;

#[server(prefix = "/fn", endpoint = "account/two-factor")]
pub async fn two_factor_status() -> Result<TwoFactorView, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |me| async move {
        use super::second_factor as sf;
        let db = &me.state.db;
        let status = sf::status(db, me.viewer.id, &me.viewer.email).await?;
        let pending = match status.pending {
            Some((secret, url)) => Some(PendingEnrolment {
                qr: sf::qr_data_uri(&url)?,
                secret,
            }),
            None => None,
        };
        let new_recovery_codes = crate::accounts::reveal::take(REVEAL)
            .map(|codes| codes.split('.').map(str::to_string).collect())
            .unwrap_or_default();
        Ok(TwoFactorView {
            enabled: status.enabled,
            pending,
            recovery_codes_left: status.recovery_codes_left,
            new_recovery_codes,
            required: me.viewer.role.at_least(Role::Manager) && sf::required(db).await?,
        })
    })
    .await
}

/// Starts setting up: a new secret to scan.
#[server(prefix = "/fn", endpoint = "account/two-factor/begin")]
pub async fn begin_two_factor() -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |me| async move {
        super::second_factor::begin(&me.state.db, me.viewer.id).await?;
        leptos_axum::redirect("/account#two-factor");
        Ok(())
    })
    .await
}

/// Confirms the set-up with the code the app shows and the password (a borrowed session cannot
/// tie the account to someone else's phone); the recovery codes are shown once.
#[server(prefix = "/fn", endpoint = "account/two-factor/confirm")]
pub async fn confirm_two_factor(code: String, password: String) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |me| async move {
        super::credentials::confirm_current_password(
            &me.state,
            super::sessions::AccountKind::Staff,
            me.viewer.id,
            password,
            "password",
        )
        .await?;
        let codes =
            super::second_factor::confirm(&me.state.db, me.viewer.id, &code, &me.actor()).await?;
        crate::accounts::reveal::set(&codes.join("."), REVEAL);
        leptos_axum::redirect("/account?flash=two-factor-on#two-factor");
        Ok(())
    })
    .await
}

/// Switches the second factor off; the password is asked again.
#[server(prefix = "/fn", endpoint = "account/two-factor/disable")]
pub async fn disable_two_factor(password: String) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |me| async move {
        let db = &me.state.db;
        super::credentials::confirm_current_password(
            &me.state,
            super::sessions::AccountKind::Staff,
            me.viewer.id,
            password,
            "password",
        )
        .await?;
        super::second_factor::remove(db, me.viewer.id, &me.actor(), "second_factor.disable")
            .await?;
        leptos_axum::redirect("/account?flash=two-factor-off");
        Ok(())
    })
    .await
}

/// An admin removes a staff member's second factor (a lost phone): they sign in with their
/// password alone and set it up again; their sessions end.
#[server(prefix = "/fn", endpoint = "admin/users/reset-two-factor")]
pub async fn reset_two_factor(id: i64) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let db = &admin.state.db;
        super::second_factor::remove(db, id, &admin.actor(), "second_factor.reset").await?;
        super::sessions::end_all(db, super::sessions::AccountKind::Staff, id).await?;
        leptos_axum::redirect("/admin/users?flash=two-factor-reset");
        Ok(())
    })
    .await
}

/// Whether managers and admins must use a second factor ("1" or "0").
#[server(prefix = "/fn", endpoint = "admin/users/require-two-factor")]
pub async fn require_two_factor(#[server(default)] required: String) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        use crate::audit::Entry;
        let on = matches!(required.as_str(), "1" | "on" | "true");
        let db = &admin.state.db;
        let mut tx = crate::db::begin_write(db).await?;
        crate::org_settings::put(
            &mut *tx,
            super::second_factor::REQUIRED_SETTING,
            if on { "1" } else { "0" },
        )
        .await?;
        Entry::new(&admin.actor(), "second_factor.require", "org_settings")
            .after(&serde_json::json!({ "required_for_managers_and_admins": on }))
            .write(&mut *tx)
            .await?;
        tx.commit().await?;
        leptos_axum::redirect("/admin/users?flash=saved");
        Ok(())
    })
    .await
}

/// Whether managers and admins must use a second factor, for the staff accounts page.
#[server(prefix = "/fn", endpoint = "admin/users/two-factor-required")]
pub async fn two_factor_required() -> Result<bool, AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        super::second_factor::required(&admin.state.db).await
    })
    .await
}
