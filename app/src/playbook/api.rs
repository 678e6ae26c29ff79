//! Playbook server functions: the full comparison for managers, and the best approaches for an
//! open incident's category for anyone working it.
use super::{Playbook, PlaybookRow};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::accounts::Role;

/// How many approaches the incident panel offers.
pub const SUGGESTED: usize = 3;

/// What has worked for incidents like one: its category's best approaches with their numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suggestions {
    pub category: String,
    pub currency: String,
    pub window_days: i64,
    pub min_cases: i64,
    /// Cases counted in the category.
    pub cases: i64,
    pub approaches: Vec<PlaybookRow>,
    /// The viewer may open the whole playbook (managers).
    pub full_playbook: bool,
}

#[server(prefix = "/fn", endpoint = "playbook/get")]
pub async fn load_playbook(
    #[server(default)] category: String,
    #[server(default)] severity: String,
) -> Result<Playbook, AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |staff| async move {
        let db = &staff.state.db;
        let filter = super::cases::Filter::parse(db, &category, &severity).await?;
        super::cases::playbook(db, &filter, crate::db::now_ms()).await
    })
    .await
}

/// The approaches with the best record for incident `id`'s category: shown cells only, best
/// first, at most three.
#[server(prefix = "/fn", endpoint = "playbook/suggest")]
pub async fn suggest_recoveries(id: i64) -> Result<Suggestions, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let db = &staff.state.db;
        let found: Option<(i64, String)> = sqlx::query_as(
            "SELECT i.category_id, c.name FROM incidents i
             JOIN incident_categories c ON c.id = i.category_id WHERE i.id = $1",
        )
        .bind(id)
        .fetch_optional(db)
        .await?;
        let (category, name) = found.ok_or_else(|| AppError::NotFound("That incident".into()))?;
        let filter = super::cases::Filter {
            category: Some(category),
            severity: None,
        };
        let book = super::cases::playbook(db, &filter, crate::db::now_ms()).await?;
        let approaches = book
            .approaches
            .into_iter()
            .filter(|a| !a.hidden && a.outcomes[0].rate.is_some_and(|r| r > 0.0))
            .take(SUGGESTED)
            .collect();
        Ok(Suggestions {
            category: name,
            currency: book.currency,
            window_days: book.window_days,
            min_cases: book.min_cases,
            cases: book.cases,
            approaches,
            full_playbook: staff.viewer.role.at_least(Role::Manager),
        })
    })
    .await
}
