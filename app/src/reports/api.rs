//! The weekly report server functions. Managers and admins see any scope; associates see their
//! own, and their team's and the organisation's only where the organisation allows it.
use super::{ScopeMenu, WeeklyReport};
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/fn", endpoint = "reports/weekly")]
pub async fn load_weekly_report(
    #[server(default)] week: String,
    #[server(default)] team: String,
    #[server(default)] associate: String,
) -> Result<WeeklyReport, AppError> {
    use crate::accounts::Role;
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let db = &staff.state.db;
        let wanted = crate::org::scope::StaffScope::parse(&team, &associate)
            .map_err(|m| AppError::field("scope", m))?;
        let asked = !team.trim().is_empty() || !associate.trim().is_empty();
        let scope = match super::access::resolve(db, &staff.viewer, wanted, asked).await {
            Err(AppError::Forbidden) => {
                return Err(crate::accounts::guard::deny(&staff.state, &staff.ctx).await)
            }
            other => other?,
        };
        let report = super::weekly::report(db, &week, scope, crate::db::now_ms()).await?;
        Ok(report.linked_for(staff.viewer.role))
    })
    .await
}

/// The scopes the viewer may choose on the weekly report, for the scope in view (`team`,
/// `associate` as in the report's query).
#[server(prefix = "/fn", endpoint = "reports/scopes")]
pub async fn report_scopes(
    #[server(default)] team: String,
    #[server(default)] associate: String,
) -> Result<ScopeMenu, AppError> {
    use crate::accounts::Role;
    use crate::org::scope::StaffScope;
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let db = &staff.state.db;
        let access = super::access::Access::load(db, &staff.viewer).await?;
        let asked = !team.trim().is_empty() || !associate.trim().is_empty();
        let in_view = StaffScope::parse(&team, &associate)
            .ok()
            .and_then(|wanted| access.resolve(wanted, asked).ok())
            .unwrap_or(StaffScope::Organisation);
        super::menu::build(db, &access, in_view).await
    })
    .await
}
