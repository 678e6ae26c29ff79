//! The organisation itself: its time zone (which decides what "this week" means) and its teams.
pub mod api;
#[cfg(feature = "ssr")]
pub mod clock;
pub mod money;
pub mod pages;
pub mod retention;
pub mod scope;
#[cfg(feature = "ssr")]
pub mod teams;
#[cfg(feature = "ssr")]
pub mod visibility;
pub mod weekly_email;

use serde::{Deserialize, Serialize};

/// A team of staff; cadence and (later) dashboard scopes group people by it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: i64,
    pub name: String,
    pub members: i64,
}

/// A staff member and their team, for the organisation page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub role: crate::accounts::Role,
    pub team_id: Option<i64>,
}

/// What admins configure on the organisation page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSettings {
    pub time_zone: String,
    pub time_zones: Vec<String>,
    pub teams: Vec<Team>,
    pub members: Vec<Member>,
    /// Whether associates may open their team's and the organisation's weekly report.
    pub associates_see_reports: bool,
}

/// The time zone used until an admin picks one.
pub const DEFAULT_TIME_ZONE: &str = "UTC";
