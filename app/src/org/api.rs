//! Organisation server functions, for admins.
use super::OrgSettings;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::accounts::Role;

#[server(prefix = "/fn", endpoint = "org/settings")]
pub async fn load_org_settings() -> Result<OrgSettings, AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let db = &admin.state.db;
        Ok(OrgSettings {
            time_zone: super::clock::time_zone(db).await?.name().to_string(),
            time_zones: super::clock::names(),
            teams: super::teams::list(db).await?,
            members: super::teams::members(db).await?,
            associates_see_reports: crate::org_settings::get(
                db,
                super::visibility::ASSOCIATES_SEE_ALL,
            )
            .await?
            .as_deref()
                == Some("1"),
        })
    })
    .await
}

/// Sets the time zone that decides where days and ISO weeks begin.
#[server(prefix = "/fn", endpoint = "org/time-zone")]
pub async fn save_time_zone(time_zone: String) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        use crate::audit::Entry;
        let tz = super::clock::parse_time_zone(&time_zone)
            .map_err(|m| AppError::field("time_zone", m))?;
        let db = &admin.state.db;
        let before = super::clock::time_zone(db).await?.name().to_string();
        let mut tx = crate::db::begin_write(db).await?;
        super::clock::set_time_zone(&mut *tx, tz).await?;
        Entry::new(&admin.actor(), "org.time_zone", "org_settings")
            .before(&before)
            .after(&tz.name())
            .write(&mut *tx)
            .await?;
        tx.commit().await?;
        leptos_axum::redirect("/admin/organisation?flash=saved");
        Ok(())
    })
    .await
}

#[server(prefix = "/fn", endpoint = "org/teams/create")]
pub async fn create_team(name: String) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let id = super::teams::create(&admin.state.db, &name, &admin.actor()).await?;
        leptos_axum::redirect("/admin/organisation?flash=team-created");
        Ok(id)
    })
    .await
}

/// Puts a staff member in a team; an empty team takes them out of any.
#[server(prefix = "/fn", endpoint = "org/teams/assign")]
pub async fn assign_team(staff_id: i64, team: String) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let team_id = match team.trim() {
            "" => None,
            v => Some(
                v.parse::<i64>()
                    .map_err(|_| AppError::field("team", "That team does not exist."))?,
            ),
        };
        super::teams::assign(&admin.state.db, staff_id, team_id, &admin.actor()).await?;
        leptos_axum::redirect("/admin/organisation?flash=saved");
        Ok(())
    })
    .await
}

/// Opens or closes team and organisation reports to associates.
#[server(prefix = "/fn", endpoint = "reports/access")]
pub async fn save_report_access(#[server(default)] open: Option<String>) -> Result<(), AppError> {
    use crate::accounts::Role;
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let value = if open.is_some() { "1" } else { "0" };
        let mut tx = crate::db::begin_write(&admin.state.db).await?;
        crate::org_settings::put(&mut *tx, super::visibility::ASSOCIATES_SEE_ALL, value).await?;
        crate::audit::Entry::new(&admin.actor(), "org.report_access", "org_settings")
            .after(&value)
            .write(&mut *tx)
            .await?;
        tx.commit().await?;
        leptos_axum::redirect("/admin/organisation?flash=saved");
        Ok(())
    })
    .await
}
