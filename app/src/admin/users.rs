//! Staff accounts: list, create, change role, deactivate and reactivate.
use crate::accounts::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: i64,
    /// Whether they sign in with a second factor.
    pub two_factor: bool,
}

#[cfg(feature = "ssr")]
pub mod queries {
    use super::StaffUser;
    use crate::accounts::hashing::hash_password;
    use crate::accounts::sessions::{self, AccountKind};
    use crate::accounts::{Email, Password, Role};
    use crate::audit::{Actor, Entry};
    use crate::db::{now_ms, Db, Sql};
    use crate::error::{AppError, FieldError};
    use sqlx::any::AnyRow;
    use sqlx::Row;

    fn from_row(r: &AnyRow) -> Result<StaffUser, AppError> {
        let id: i64 = r.try_get("id")?;
        Ok(StaffUser {
            id,
            email: r.try_get("email")?,
            name: r.try_get("name")?,
            role: Role::decode(&r.try_get::<String, _>("role")?, "staff_users", id)?,
            active: r.try_get::<i64, _>("active")? == 1,
            created_at: r.try_get("created_at")?,
            two_factor: r.try_get::<i64, _>("two_factor")? > 0,
        })
    }

    /// Staff accounts, each with whether it has a confirmed second factor.
    const SELECT: &str = "SELECT id, email, name, role, active, created_at,
        (SELECT COUNT(*) FROM staff_second_factors f
         WHERE f.staff_id = staff_users.id AND f.enabled_at IS NOT NULL) AS two_factor
        FROM staff_users";

    pub async fn list(db: &Db) -> Result<Vec<StaffUser>, AppError> {
        let rows = Sql::new(SELECT)
            .push(" ORDER BY active DESC, LOWER(name)")
            .query()
            .fetch_all(db)
            .await?;
        rows.iter().map(from_row).collect()
    }

    pub async fn find(db: &Db, id: i64) -> Result<StaffUser, AppError> {
        let row = Sql::new(SELECT)
            .push(" WHERE id = ")
            .bind(id)
            .query()
            .fetch_optional(db)
            .await?
            .ok_or_else(|| AppError::NotFound("That staff account".into()))?;
        from_row(&row)
    }

    /// Creates a staff account after checking every field; used by the admin page and the CLI.
    pub async fn create(
        db: &Db,
        email: &str,
        name: &str,
        role: &str,
        password: &str,
        actor: &Actor,
    ) -> Result<StaffUser, AppError> {
        let mut errors = Vec::new();
        let email = Email::parse(email)
            .map_err(|m| errors.push(FieldError::new("email", m)))
            .ok();
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > 120 {
            errors.push(FieldError::new(
                "name",
                "Enter a name of up to 120 characters.",
            ));
        }
        let role = Role::parse(role)
            .map_err(|m| errors.push(FieldError::new("role", m)))
            .ok();
        let context: Vec<&str> = [
            email.as_ref().map(|e| e.as_str()).unwrap_or(""),
            name.as_str(),
        ]
        .into_iter()
        .chain(name.split(' '))
        .collect();
        let password = Password::parse(password, &context)
            .map_err(|m| errors.push(FieldError::new("password", m)))
            .ok();
        let (Some(email), Some(role), Some(password), true) =
            (email, role, password, errors.is_empty())
        else {
            return Err(AppError::fields(errors));
        };
        let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_users WHERE email = $1")
            .bind(email.as_str())
            .fetch_one(db)
            .await?;
        if taken > 0 {
            return Err(AppError::field(
                "email",
                "A staff account with this email already exists.",
            ));
        }
        let hash = hash_password(password.expose().to_string()).await?;
        let now = now_ms();
        let mut tx = crate::db::begin_write(db).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO staff_users (email, name, role, password_hash, active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 1, $5, $6) RETURNING id",
        )
        .bind(email.as_str())
        .bind(&name)
        .bind(role.as_str())
        .bind(hash)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                AppError::field("email", "A staff account with this email already exists.")
            }
            _ => e.into(),
        })?;
        let user = StaffUser {
            id,
            email: email.as_str().into(),
            name,
            role,
            active: true,
            created_at: now,
            two_factor: false,
        };
        Entry::new(actor, "staff_user.create", "staff_user")
            .id(id)
            .after(&user)
            .write(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Changes role or active flag. Ends the account's sessions so the change applies at once.
    pub async fn update(
        db: &Db,
        id: i64,
        role: Option<Role>,
        active: Option<bool>,
        acting_id: i64,
        actor: &Actor,
    ) -> Result<StaffUser, AppError> {
        let before = find(db, id).await?;
        if id == acting_id {
            return Err(AppError::Conflict(
                "You cannot change your own role or deactivate yourself; ask another admin.".into(),
            ));
        }
        let mut tx = crate::db::begin_write(db).await?;
        sqlx::query("UPDATE staff_users SET role = $1, active = $2, updated_at = $3 WHERE id = $4")
            .bind(role.unwrap_or(before.role).as_str())
            .bind(if active.unwrap_or(before.active) {
                1i64
            } else {
                0
            })
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let after = StaffUser {
            role: role.unwrap_or(before.role),
            active: active.unwrap_or(before.active),
            ..before.clone()
        };
        Entry::new(actor, "staff_user.update", "staff_user")
            .id(id)
            .before(&before)
            .after(&after)
            .write(&mut *tx)
            .await?;
        tx.commit().await?;
        sessions::end_all(db, AccountKind::Staff, id).await?;
        Ok(after)
    }
}

#[server(prefix = "/fn", endpoint = "admin/users/list")]
pub async fn list_users() -> Result<Vec<StaffUser>, AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        queries::list(&admin.state.db).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "admin/users/create")]
pub async fn create_user(
    email: String,
    name: String,
    role: String,
    password: String,
) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let user = queries::create(
            &admin.state.db,
            &email,
            &name,
            &role,
            &password,
            &admin.actor(),
        )
        .await?;
        leptos_axum::redirect("/admin/users?flash=user-created");
        Ok(user.id)
    })
    .await
}

/// Sets a staff account's role and whether it is active. `active` is "1" or "0".
#[server(prefix = "/fn", endpoint = "admin/users/update")]
pub async fn update_user(id: i64, role: String, active: String) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let role = Role::parse(&role).map_err(|m| AppError::field("role", m))?;
        let active = match active.as_str() {
            "1" | "true" => true,
            "0" | "false" => false,
            _ => return Err(AppError::field("active", "Choose active or deactivated.")),
        };
        queries::update(
            &admin.state.db,
            id,
            Some(role),
            Some(active),
            admin.viewer.id,
            &admin.actor(),
        )
        .await?;
        leptos_axum::redirect("/admin/users?flash=user-updated");
        Ok(())
    })
    .await
}

/// Sends a staff member a single-use link to set a new password (through the outbox).
#[server(prefix = "/fn", endpoint = "admin/users/send-reset")]
pub async fn send_reset_link(id: i64) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        crate::accounts::credentials::send_staff_reset(&admin.state, id, &admin.actor()).await?;
        leptos_axum::redirect("/admin/users?flash=reset-link-sent");
        Ok(())
    })
    .await
}
