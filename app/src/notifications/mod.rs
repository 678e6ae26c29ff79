//! Notifications for staff: what someone should act on (assigned to you, a recovery waiting for
//! approval, a service level at risk or breached, a follow-up due…), shown in the notification
//! centre and emailed as each person prefers. Domains call [`notify`] in the transaction of the
//! change that prompts it; this module knows no domain. The kinds and preferences are in
//! `kind`, writing one in `notify`, the centre's queries in `queries`, emails and the daily
//! digest in `email`, server functions in `api` and the pages in `pages`.
pub mod api;
#[cfg(feature = "ssr")]
pub mod email;
pub mod kind;
#[cfg(feature = "ssr")]
mod notify;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod queries;

pub use kind::{Delivery, Kind};
#[cfg(feature = "ssr")]
pub use notify::{notify, notify_at, Note};

use serde::{Deserialize, Serialize};

/// One notification as its recipient sees it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationItem {
    pub id: i64,
    pub kind: Kind,
    pub title: String,
    /// The path of the record it is about, e.g. `/incidents/12`.
    pub link: String,
    pub created_at: i64,
    pub read: bool,
}

/// A page of someone's notifications, newest first.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationPage {
    pub items: Vec<NotificationItem>,
    /// All of the person's unread notifications, not only this page's.
    pub unread: i64,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// One person's choices: how each kind reaches them, and whether emails come as one a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    pub kinds: Vec<(Kind, Delivery)>,
    pub daily_digest: bool,
}

/// Notifications per page of the centre.
pub const PER_PAGE: i64 = 20;
