//! Feedback pages: the follow-up queues and the follow-up page, the feedback list and entry
//! form, survey links (staff list and the public answer page), and the follow-up settings.
pub mod badges;
pub mod detail;
pub mod list;
pub mod queue;
pub mod settings;
pub mod survey;
