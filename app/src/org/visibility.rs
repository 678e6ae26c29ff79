//! How far a staff member sees beyond their own work. Associates may read and work any incident
//! and follow-up (a shared service queue), but the organisation's and teams' figures, and the
//! follow-up queues beyond their own and their team's, are theirs only when an admin opens the
//! reports to associates (Admin → Organisation). Managers and admins see everything.
use crate::accounts::{Role, StaffViewer};
use crate::db::{Db, Sql};
use crate::error::AppError;

/// The organisation setting that opens team and organisation figures to associates.
pub const ASSOCIATES_SEE_ALL: &str = "reports.associates_see_team_and_organisation";

/// What a staff member's lists and figures reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The whole organisation.
    Everyone,
    /// Their own work and their team's.
    OwnAndTeam,
}

impl Reach {
    pub async fn of(db: &Db, viewer: &StaffViewer) -> Result<Self, AppError> {
        if viewer.role.at_least(Role::Manager) || associates_see_all(db).await? {
            Ok(Self::Everyone)
        } else {
            Ok(Self::OwnAndTeam)
        }
    }

    /// Whether organisation-wide figures may be shown.
    pub fn sees_organisation(self) -> bool {
        self == Self::Everyone
    }

    /// Adds ` AND ` a condition on an assignee column to a statement whose text already holds
    /// its `WHERE`: work assigned to `viewer` or to someone in their team, or to no one yet,
    /// which is everyone's to pick up (nothing when everything is in reach).
    pub fn narrow(self, q: &mut Sql, column: &'static str, viewer: i64) {
        if self == Self::OwnAndTeam {
            q.push(" AND (")
                .push(column)
                .push(" IS NULL OR ")
                .push(column)
                .push(" = ")
                .bind(viewer)
                .push(" OR ")
                .push(column)
                .push(
                    " IN (SELECT m.id FROM staff_users m
                   WHERE m.team_id = (SELECT v.team_id FROM staff_users v WHERE v.id = ",
                )
                .bind(viewer)
                .push(")))");
        }
    }
}

/// Whether an admin opened team and organisation figures to associates.
pub async fn associates_see_all(db: &Db) -> Result<bool, AppError> {
    Ok(crate::org_settings::get(db, ASSOCIATES_SEE_ALL)
        .await?
        .as_deref()
        == Some("1"))
}
