//! Notification server functions, each for the signed-in staff member's own notifications only.
use super::{NotificationPage, Preferences};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::accounts::Role;

/// A page of the caller's notifications, newest first, with their unread count.
#[server(prefix = "/fn", endpoint = "notifications/list")]
pub async fn list_notifications(page: i64) -> Result<NotificationPage, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::queries::list(&staff.state.db, staff.viewer.id, page).await
    })
    .await
}

/// How many of the caller's notifications are unread, for the bell in the header: counted up
/// to 100 (the bell shows "99+" past 99); the notification centre gives the exact number.
#[server(prefix = "/fn", endpoint = "notifications/unread")]
pub async fn unread_notifications() -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::queries::unread_for_bell(&staff.state.db, staff.viewer.id).await
    })
    .await
}

/// Opens one of the caller's notifications: marks it read and goes to its record.
#[server(prefix = "/fn", endpoint = "notifications/open")]
pub async fn open_notification(id: i64) -> Result<String, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let link = super::queries::open(&staff.state.db, staff.viewer.id, id).await?;
        leptos_axum::redirect(&link);
        Ok(link)
    })
    .await
}

/// Marks all of the caller's notifications read.
#[server(prefix = "/fn", endpoint = "notifications/read-all")]
pub async fn read_all_notifications() -> Result<u64, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let done = super::queries::read_all(&staff.state.db, staff.viewer.id).await?;
        leptos_axum::redirect("/notifications");
        Ok(done)
    })
    .await
}

/// The caller's notification preferences.
#[server(prefix = "/fn", endpoint = "notifications/preferences")]
pub async fn notification_preferences() -> Result<Preferences, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::queries::preferences(&staff.state.db, staff.viewer.id).await
    })
    .await
}

/// Saves the caller's preferences: for each kind `in_app`, `email`, `both` or `off` (a kind
/// left out keeps its default), and whether emails come as one daily digest.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn", endpoint = "notifications/preferences/save")]
pub async fn save_notification_preferences(
    #[server(default)] incident_assigned: String,
    #[server(default)] follow_up_assigned: String,
    #[server(default)] approval_waiting: String,
    #[server(default)] recovery_decided: String,
    #[server(default)] sla_warning: String,
    #[server(default)] sla_breached: String,
    #[server(default)] follow_up_due: String,
    #[server(default)] follow_up_overdue: String,
    #[server(default)] story_kudos: String,
    #[server(default)] story_comment: String,
    #[server(default)] story_spotlight: String,
    #[server(default)] import_finished: String,
    #[server(default)] weekly_report: String,
    #[server(default)] theme_rising: String,
    #[server(default)] daily_digest: Option<String>,
) -> Result<(), AppError> {
    use super::{Delivery, Kind};
    let chosen = [
        (Kind::IncidentAssigned, incident_assigned),
        (Kind::FollowUpAssigned, follow_up_assigned),
        (Kind::ApprovalWaiting, approval_waiting),
        (Kind::RecoveryDecided, recovery_decided),
        (Kind::SlaWarning, sla_warning),
        (Kind::SlaBreached, sla_breached),
        (Kind::FollowUpDue, follow_up_due),
        (Kind::FollowUpOverdue, follow_up_overdue),
        (Kind::StoryKudos, story_kudos),
        (Kind::StoryComment, story_comment),
        (Kind::StorySpotlight, story_spotlight),
        (Kind::ImportFinished, import_finished),
        (Kind::WeeklyReport, weekly_report),
        (Kind::ThemeRising, theme_rising),
    ];
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let mut kinds = Vec::new();
        let mut problems = Vec::new();
        for (kind, value) in chosen {
            match value.trim() {
                "" => kinds.push((kind, kind.default_delivery())),
                v => match Delivery::parse(v) {
                    Some(d) => kinds.push((kind, d)),
                    None => problems.push(crate::error::FieldError::new(
                        kind.as_str(),
                        "Choose in the app, by email, both or off.",
                    )),
                },
            }
        }
        if !problems.is_empty() {
            return Err(AppError::fields(problems));
        }
        let prefs = Preferences {
            kinds,
            daily_digest: daily_digest.is_some(),
        };
        super::queries::save_preferences(&staff.state.db, staff.viewer.id, &prefs, &staff.actor())
            .await?;
        leptos_axum::redirect("/notifications/settings?flash=saved");
        Ok(())
    })
    .await
}
