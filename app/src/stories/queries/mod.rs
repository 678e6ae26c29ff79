//! Stories in the database, a module per reason to change: the people a story names, writing
//! one, reading one, the library (and the portal's shareable ones), drafts, and the days the
//! cadence counts.
pub mod cadence;
pub mod detail;
pub mod drafts;
pub mod library;
pub mod people;
pub mod write;

use super::StoryKind;
use crate::accounts::StaffViewer;
use crate::common::moment::{parse_day, week_label};
use crate::error::AppError;
use sqlx::any::AnyRow;
use sqlx::Row;

/// A row's stored kind, which must be one the app knows.
fn kind_of(r: &AnyRow) -> Result<StoryKind, AppError> {
    let kind: String = r.try_get("kind")?;
    StoryKind::decode(&kind, "stories", r.try_get("id")?)
}

/// The ISO week a stored day falls in ("" when the day does not parse).
fn week_of(day: &str) -> String {
    parse_day(day).map(week_label).unwrap_or_default()
}

/// Its associate, its author and any manager may change a story.
pub fn may_edit(viewer: &StaffViewer, owners: (i64, i64)) -> bool {
    viewer.role.at_least(crate::accounts::Role::Manager)
        || owners.0 == viewer.id
        || owners.1 == viewer.id
}
