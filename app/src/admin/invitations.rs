//! Customer portal invitations: a single-use link, valid for seven days, through which a
//! customer sets their password.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const VALID_DAYS: i64 = 7;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub expired: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationsView {
    pub invitations: Vec<Invitation>,
    /// The link of an invitation just created, shown this once.
    pub revealed_link: Option<String>,
}

#[cfg(feature = "ssr")]
pub mod queries {
    use super::{Invitation, VALID_DAYS};
    use crate::accounts::hashing::hash_password;
    use crate::accounts::sessions::{hash_token, new_token};
    use crate::accounts::Password;
    use crate::audit::{Actor, Entry};
    use crate::customers::queries as customers;
    use crate::db::{now_ms, Db};
    use crate::error::AppError;
    use sqlx::Row;

    /// Creates an invitation for the customer with this external reference or email; returns
    /// the customer's id and the plain token for the link.
    pub async fn create(
        db: &Db,
        reference: &str,
        created_by: i64,
        actor: &Actor,
    ) -> Result<(i64, String), AppError> {
        if reference.trim().is_empty() {
            return Err(AppError::field(
                "customer",
                "Enter the customer's email or external reference.",
            ));
        }
        let customer = customers::find_by_reference(db, reference)
            .await?
            .ok_or_else(|| {
                AppError::field(
                    "customer",
                    "No customer has that email or external reference.",
                )
            })?;
        if customer.email.is_none() {
            return Err(AppError::field(
                "customer",
                "Add an email address to this customer first: it is their sign-in name.",
            ));
        }
        let (token, hash) = new_token();
        let now = now_ms();
        let mut tx = crate::db::begin_write(db).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO portal_invitations (customer_id, token_hash, created_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(customer.id)
        .bind(hash)
        .bind(created_by)
        .bind(now)
        .bind(now + VALID_DAYS * 86_400_000)
        .fetch_one(&mut *tx)
        .await?;
        Entry::new(actor, "portal_invitation.create", "customer")
            .id(customer.id)
            .after(&serde_json::json!({ "invitation_id": id }))
            .write(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((customer.id, token))
    }

    pub async fn list(db: &Db) -> Result<Vec<Invitation>, AppError> {
        let rows = sqlx::query(
            "SELECT i.id, i.customer_id, c.name, i.created_at, i.expires_at, i.used_at
             FROM portal_invitations i JOIN customers c ON c.id = i.customer_id
             ORDER BY i.created_at DESC LIMIT 100",
        )
        .fetch_all(db)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Invitation {
                    id: r.try_get("id")?,
                    customer_id: r.try_get("customer_id")?,
                    customer_name: r.try_get("name")?,
                    created_at: r.try_get("created_at")?,
                    expires_at: r.try_get("expires_at")?,
                    used_at: r.try_get("used_at")?,
                    expired: r.try_get::<i64, _>("expires_at")? < now_ms(),
                })
            })
            .collect()
    }

    /// The customer an unused, unexpired invitation is for.
    pub async fn open_invitation(
        db: &Db,
        token: &str,
    ) -> Result<Option<(i64, i64, String, String)>, AppError> {
        let row = sqlx::query(
            "SELECT i.id, c.id AS customer_id, c.name, COALESCE(c.email, '') AS email
             FROM portal_invitations i JOIN customers c ON c.id = i.customer_id
             WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2",
        )
        .bind(hash_token(token))
        .bind(now_ms())
        .fetch_optional(db)
        .await?;
        row.map(|r| {
            Ok((
                r.try_get("id")?,
                r.try_get("customer_id")?,
                r.try_get("name")?,
                r.try_get("email")?,
            ))
        })
        .transpose()
    }

    /// Uses an invitation: sets the customer's password and marks the link used, atomically.
    pub async fn accept(db: &Db, token: &str, password: &str) -> Result<i64, AppError> {
        let (invitation_id, customer_id, name, email) =
            open_invitation(db, token).await?.ok_or_else(|| {
                AppError::NotFound(
                    "This invitation link is used, expired or unknown. Ask us for a new one. It"
                        .into(),
                )
            })?;
        let context: Vec<&str> = std::iter::once(email.as_str())
            .chain(name.split(' '))
            .collect();
        let password =
            Password::parse(password, &context).map_err(|m| AppError::field("password", m))?;
        let hash = hash_password(password.expose().to_string()).await?;
        let now = now_ms();
        let mut tx = crate::db::begin_write(db).await?;
        let claimed = sqlx::query(
            "UPDATE portal_invitations SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(invitation_id)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            return Err(AppError::Conflict(
                "This invitation was used a moment ago.".into(),
            ));
        }
        // A customer invited again (forgotten password, switched-off login) gets the new
        // password in place of the old one, and sessions on the old one end.
        sqlx::query(
            "INSERT INTO customer_logins (customer_id, password_hash, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (customer_id) DO UPDATE SET password_hash = excluded.password_hash, disabled_at = NULL",
        )
        .bind(customer_id)
        .bind(hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        crate::accounts::sessions::end_all(
            &mut *tx,
            crate::accounts::sessions::AccountKind::Customer,
            customer_id,
        )
        .await?;
        let actor = Actor::customer(customer_id, &email);
        Entry::new(&actor, "portal_invitation.accept", "customer")
            .id(customer_id)
            .write(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(customer_id)
    }
}

#[cfg(feature = "ssr")]
use crate::accounts::Role;

#[server(prefix = "/fn", endpoint = "admin/invitations/list")]
pub async fn list_invitations() -> Result<InvitationsView, AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let invitations = queries::list(&admin.state.db).await?;
        let base = admin
            .state
            .settings
            .public_url
            .trim_end_matches('/')
            .to_string();
        let revealed_link =
            crate::accounts::reveal::take(("/admin/invitations", "/fn/admin/invitations/list"))
                .filter(|s| !s.starts_with("em_"))
                .map(|token| format!("{base}/portal/invite/{token}"));
        Ok(InvitationsView {
            invitations,
            revealed_link,
        })
    })
    .await
}

#[server(prefix = "/fn", endpoint = "admin/invitations/create")]
pub async fn create_invitation(customer: String) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let (customer_id, token) =
            queries::create(&admin.state.db, &customer, admin.viewer.id, &admin.actor()).await?;
        crate::accounts::reveal::set(&token, ("/admin/invitations", "/fn/admin/invitations/list"));
        leptos_axum::redirect("/admin/invitations?flash=invitation-created");
        Ok(customer_id)
    })
    .await
}

/// Switches off a customer's portal sign-in and ends their sessions; inviting them again lets
/// them back in with a new password.
#[server(prefix = "/fn", endpoint = "customers/portal-login/disable")]
pub async fn disable_portal_login(customer_id: i64) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        use crate::audit::Entry;
        let db = &staff.state.db;
        let mut tx = crate::db::begin_write(db).await?;
        let done = sqlx::query(
            "UPDATE customer_logins SET disabled_at = $1 WHERE customer_id = $2 AND disabled_at IS NULL",
        )
        .bind(crate::db::now_ms())
        .bind(customer_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(AppError::NotFound("An active portal login for that customer".into()));
        }
        crate::accounts::sessions::end_all(
            &mut *tx,
            crate::accounts::sessions::AccountKind::Customer,
            customer_id,
        )
        .await?;
        // Invitations and reset links already sent would let them back in.
        crate::accounts::credentials::spend_customer_links(&mut tx, customer_id).await?;
        Entry::new(&staff.actor(), "portal_login.disable", "customer")
            .id(customer_id)
            .ip(&staff.ctx.ip)
            .write(&mut *tx)
            .await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/customers/{customer_id}?flash=portal-login-disabled"));
        Ok(())
    })
    .await
}
