//! Themes server functions, for managers: the themes of a period, a theme's texts, and the
//! choices that shape themes (rename, merge, split off a phrase, teach the lexicon).
use super::{ThemeComments, ThemeList};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::accounts::Role;

/// The scope of a `team` parameter ("" = the organisation).
#[cfg(feature = "ssr")]
pub fn scope_of(team: &str) -> Result<crate::org::scope::StaffScope, AppError> {
    crate::org::scope::StaffScope::parse(team, "").map_err(|m| AppError::field("team", m))
}

/// The page a theme choice returns to, keeping the period and team in view.
#[cfg(feature = "ssr")]
fn theme_page(id: i64, from: &str, to: &str, team: &str, flash: &str) -> String {
    use crate::url_encoding::encode;
    format!(
        "/reports/themes/{id}?from={}&to={}&team={}&flash={flash}",
        encode(from.trim()),
        encode(to.trim()),
        encode(team.trim())
    )
}

#[server(prefix = "/fn", endpoint = "themes/list")]
pub async fn load_themes(
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] team: String,
) -> Result<ThemeList, AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |staff| async move {
        let scope = scope_of(&team)?;
        super::report::list(&staff.state.db, (&from, &to), scope, crate::db::now_ms()).await
    })
    .await
}

#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn", endpoint = "themes/comments")]
pub async fn load_theme_comments(
    id: i64,
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] team: String,
    #[server(default)] kind: String,
    #[server(default)] assessment: String,
    #[server(default)] category: String,
    #[server(default)] page: i64,
) -> Result<ThemeComments, AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |staff| async move {
        let scope = scope_of(&team)?;
        let filter = super::report::TextFilter::parse(&kind, &assessment, &category)?;
        super::report::comments(
            &staff.state.db,
            id,
            (&from, &to),
            scope,
            &filter,
            page.max(1),
            crate::db::now_ms(),
        )
        .await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "themes/rename")]
pub async fn rename_theme(
    id: i64,
    name: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] team: String,
) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |staff| async move {
        super::store::rename(&staff.state.db, id, &name, &staff.actor()).await?;
        leptos_axum::redirect(&theme_page(id, &from, &to, &team, "renamed"));
        Ok(())
    })
    .await
}

#[server(prefix = "/fn", endpoint = "themes/merge")]
pub async fn merge_theme(
    id: i64,
    #[server(default)] into: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] team: String,
) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |staff| async move {
        let into = AppError::optional_id(&into, "into")?
            .ok_or_else(|| AppError::field("into", "Choose the theme to merge into."))?;
        super::store::merge(&staff.state.db, id, into, &staff.actor()).await?;
        leptos_axum::redirect(&theme_page(into, &from, &to, &team, "merged"));
        Ok(into)
    })
    .await
}

#[server(prefix = "/fn", endpoint = "themes/split")]
pub async fn split_theme(
    id: i64,
    #[server(default)] phrase: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] team: String,
) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |staff| async move {
        let new_id = super::store::split(&staff.state.db, id, &phrase, &staff.actor()).await?;
        leptos_axum::redirect(&theme_page(new_id, &from, &to, &team, "split"));
        Ok(new_id)
    })
    .await
}

/// Teaches the lexicon another way customers say something.
#[server(prefix = "/fn", endpoint = "themes/teach")]
pub async fn teach_theme_phrase(
    #[server(default)] concept: String,
    #[server(default)] phrase: String,
) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |staff| async move {
        let id = super::store::teach(&staff.state.db, &concept, &phrase, &staff.actor()).await?;
        leptos_axum::redirect("/reports/themes?flash=taught");
        Ok(id)
    })
    .await
}

/// Rising themes of a period (default: the last seven days, today included) for a manager's
/// dashboard and weekly report; none for others, whose pages have no room for them.
#[server(prefix = "/fn", endpoint = "themes/rising")]
pub async fn load_rising_themes(
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] team: String,
) -> Result<Option<ThemeList>, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        if !staff.viewer.role.at_least(Role::Manager) {
            return Ok(None);
        }
        let db = &staff.state.db;
        let now = crate::db::now_ms();
        let scope = scope_of(&team)?;
        let (from, to) = if from.trim().is_empty() && to.trim().is_empty() {
            let tz = crate::org::clock::time_zone(db).await?;
            let today = crate::org::clock::day_of(tz, now);
            (
                (today - chrono::Duration::days(6)).to_string(),
                today.to_string(),
            )
        } else {
            (from, to)
        };
        Ok(Some(
            super::rising::rising(db, (&from, &to), scope, now).await?,
        ))
    })
    .await
}
