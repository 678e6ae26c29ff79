//! The weekly report server functions. Managers and admins see any scope; associates see their
//! own, and their team's and the organisation's only where the organisation allows it.
use super::WeeklyReport;
use crate::error::AppError;
use leptos::prelude::*;

/// The setting that opens team and organisation reports to associates ("1" = open).
#[cfg(feature = "ssr")]
pub use crate::org::visibility::ASSOCIATES_SEE_ALL;

#[cfg(feature = "ssr")]
pub mod access {
    use super::ASSOCIATES_SEE_ALL;
    use crate::accounts::{Role, StaffViewer};
    use crate::db::Db;
    use crate::error::AppError;
    use crate::org::scope::StaffScope;

    /// What a staff member may see of the weekly report, read once per request.
    pub struct Access {
        viewer: StaffViewer,
        /// The organisation opened team and organisation reports to associates.
        open: bool,
        team: Option<i64>,
    }

    impl Access {
        pub async fn load(db: &Db, viewer: &StaffViewer) -> Result<Self, AppError> {
            let open = crate::org::store::get(db, ASSOCIATES_SEE_ALL)
                .await?
                .as_deref()
                == Some("1");
            let team = crate::org::teams::team_of(db, viewer.id).await?;
            Ok(Self {
                viewer: viewer.clone(),
                open,
                team,
            })
        }

        /// The scope to report on for someone who asked for `wanted`; an associate asking for
        /// nothing gets their own report when they may not see the organisation's.
        pub fn resolve(&self, wanted: StaffScope, asked: bool) -> Result<StaffScope, AppError> {
            if self.viewer.role.at_least(Role::Manager) {
                return Ok(wanted);
            }
            match wanted {
                StaffScope::Associate(id) if id == self.viewer.id => Ok(wanted),
                StaffScope::Organisation if self.open => Ok(wanted),
                StaffScope::Organisation if !asked => Ok(StaffScope::Associate(self.viewer.id)),
                StaffScope::Team(t) if self.open && self.team == Some(t) => Ok(wanted),
                _ => Err(AppError::Forbidden),
            }
        }
    }

    /// `Access::load` then `resolve`, for a single question.
    pub async fn resolve(
        db: &Db,
        viewer: &StaffViewer,
        wanted: StaffScope,
        asked: bool,
    ) -> Result<StaffScope, AppError> {
        Access::load(db, viewer).await?.resolve(wanted, asked)
    }
}

#[server(prefix = "/fn", endpoint = "reports/weekly")]
pub async fn load_weekly_report(
    #[server(default)] week: String,
    #[server(default)] team: String,
    #[server(default)] associate: String,
) -> Result<WeeklyReport, AppError> {
    use crate::accounts::{
        guard::{require_staff, respond},
        Role,
    };
    respond(
        async {
            let staff = require_staff(Role::Associate).await?;
            let db = &staff.state.db;
            let wanted = crate::org::scope::StaffScope::parse(&team, &associate)
                .map_err(|m| AppError::field("scope", m))?;
            let asked = !team.trim().is_empty() || !associate.trim().is_empty();
            let scope = match access::resolve(db, &staff.viewer, wanted, asked).await {
                Err(AppError::Forbidden) => {
                    return Err(crate::accounts::guard::deny(&staff.state, &staff.ctx).await)
                }
                other => other?,
            };
            super::weekly::report(db, &week, scope, crate::db::now_ms()).await
        }
        .await,
    )
}

/// Opens or closes team and organisation reports to associates.
#[server(prefix = "/fn", endpoint = "reports/access")]
pub async fn save_report_access(#[server(default)] open: Option<String>) -> Result<(), AppError> {
    use crate::accounts::{
        guard::{require_staff, respond},
        Role,
    };
    respond(
        async {
            let admin = require_staff(Role::Admin).await?;
            let value = if open.is_some() { "1" } else { "0" };
            let mut tx = crate::db::begin_write(&admin.state.db).await?;
            crate::org::store::put(&mut *tx, ASSOCIATES_SEE_ALL, value).await?;
            crate::audit::Entry::new(&admin.actor(), "org.report_access", "org_settings")
                .after(&value)
                .write(&mut *tx)
                .await?;
            tx.commit().await?;
            leptos_axum::redirect("/admin/organisation?flash=saved");
            Ok(())
        }
        .await,
    )
}

/// A scope the viewer may open: its query string ("" = organisation) and its name.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScopeOption {
    pub query: String,
    pub label: String,
}

/// The scope menu lists everyone while the organisation has at most this many people; past it,
/// the people of the team in view (hundreds of names in one menu serve no one, and every
/// report page would carry them).
pub const MENU_PEOPLE: i64 = 60;

/// The weekly report's scope menu: the organisation and teams, then people.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScopeMenu {
    pub scopes: Vec<ScopeOption>,
    pub people: Vec<ScopeOption>,
    /// What the people are: everyone, or the people of the team in view.
    pub people_heading: String,
    /// Only the team in view's people are listed (the organisation is larger than the menu).
    pub by_team: bool,
}

/// The scopes the viewer may choose on the weekly report, for the scope in view (`team`,
/// `associate` as in the report's query).
#[server(prefix = "/fn", endpoint = "reports/scopes")]
pub async fn report_scopes(
    #[server(default)] team: String,
    #[server(default)] associate: String,
) -> Result<ScopeMenu, AppError> {
    use crate::accounts::{
        guard::{require_staff, respond},
        Role,
    };
    use crate::org::scope::StaffScope;
    respond(
        async {
            let staff = require_staff(Role::Associate).await?;
            let db = &staff.state.db;
            let access = access::Access::load(db, &staff.viewer).await?;
            let asked = !team.trim().is_empty() || !associate.trim().is_empty();
            let in_view = StaffScope::parse(&team, &associate)
                .ok()
                .and_then(|wanted| access.resolve(wanted, asked).ok())
                .unwrap_or(StaffScope::Organisation);
            super::menu::build(db, &access, in_view).await
        }
        .await,
    )
}
