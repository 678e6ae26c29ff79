//! Incident pages: the list, logging one, the incident page, approvals, settings.
pub mod approvals;
pub mod badges;
pub mod detail;
pub mod escalation;
pub mod list;
pub mod new;
pub mod settings;
