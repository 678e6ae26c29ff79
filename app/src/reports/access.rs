//! Who may open which weekly report: managers and admins any scope; associates their own, and
//! their team's and the organisation's only where the organisation allows it.
use crate::accounts::{Role, StaffViewer};
use crate::db::Db;
use crate::error::AppError;
use crate::org::scope::StaffScope;
use crate::org::visibility::ASSOCIATES_SEE_ALL;

/// What a staff member may see of the weekly report, read once per request.
pub struct Access {
    viewer: StaffViewer,
    /// The organisation opened team and organisation reports to associates.
    open: bool,
    team: Option<i64>,
}

impl Access {
    pub async fn load(db: &Db, viewer: &StaffViewer) -> Result<Self, AppError> {
        let open = crate::org_settings::get(db, ASSOCIATES_SEE_ALL)
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
