//! Story server functions: authorize, parse, call the queries.
use super::fields::StoryDraft;
use super::{CadenceView, MyStories, PortalStory, Story, StoryCard, StoryFormData, StoryPage};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::accounts::Role;

#[cfg(feature = "ssr")]
async fn today(db: &crate::db::Db) -> Result<chrono::NaiveDate, AppError> {
    let tz = crate::org::clock::time_zone(db).await?;
    Ok(crate::org::clock::day_of(tz, crate::db::now_ms()))
}

/// The library; filters as strings from the page URL ("" = any).
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn", endpoint = "stories/list")]
pub async fn list_stories(
    q: String,
    kind: String,
    tag: String,
    associate: String,
    customer: String,
    week: String,
    sort: String,
    page: i64,
    #[server(default)] spotlight: String,
    #[server(default)] team: String,
    #[server(default)] spotlight_week: String,
    #[server(default)] kudos_week: String,
) -> Result<StoryPage, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let db = &staff.state.db;
        let filter = super::queries::library::StoryQuery {
            q,
            kind,
            tag,
            associate,
            customer,
            week,
            sort,
            spotlight,
            team,
            spotlight_week,
            kudos_week,
            page: Some(page),
        }
        .filter(db)
        .await?;
        super::queries::library::page(db, &filter).await
    })
    .await
}

/// Active staff by name, for the library's associate filter.
#[server(prefix = "/fn", endpoint = "stories/people")]
pub async fn story_people() -> Result<Vec<super::Person>, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        Ok(super::queries::people::active_staff(&staff.state.db)
            .await?
            .into_iter()
            .map(|p| super::Person {
                id: p.id,
                name: p.name,
            })
            .collect())
    })
    .await
}

/// What the form needs: the people to name and the values to start from (the story being
/// edited, else the caller's saved draft).
#[server(prefix = "/fn", endpoint = "stories/form")]
pub async fn story_form(id: Option<i64>) -> Result<StoryFormData, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let db = &staff.state.db;
        let (values, draft_saved_at) = match id {
            Some(id) => {
                let owners = super::queries::write::owners(db, id).await?;
                if !super::queries::may_edit(&staff.viewer, owners) {
                    return Err(crate::accounts::guard::deny(&staff.state, &staff.ctx).await);
                }
                (super::queries::detail::draft_of(db, id).await?, None)
            }
            None => match super::queries::drafts::load(db, staff.viewer.id).await? {
                Some((d, at)) => (d, Some(at)),
                None => (StoryDraft::default(), None),
            },
        };
        Ok(StoryFormData {
            me: staff.viewer.id,
            can_choose_associate: staff.viewer.role.at_least(Role::Manager),
            staff: story_people().await?,
            today: today(db).await?.to_string(),
            values,
            draft_saved_at,
        })
    })
    .await
}

/// Logs a story; the author's draft goes with it. The form's fields are posted by their own
/// names (`title`, `situation`, …), as the story form and outside clients send them.
#[server(prefix = "/fn", endpoint = "stories/create")]
pub async fn create_story(#[server(flatten)] form: StoryDraft) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let db = &staff.state.db;
        let today = today(db).await?;
        let checked = async {
            let checked = form.check(today)?;
            let resolved = super::queries::people::resolve(db, &checked, &staff.viewer).await?;
            Ok::<_, AppError>((checked, resolved))
        }
        .await;
        let (checked, resolved) = match checked {
            Ok(v) => v,
            Err(e) => {
                // A form sent without JavaScript comes back empty: keep what was typed as
                // the draft, so the page shows it again beside the errors.
                if !form.is_blank() {
                    super::queries::drafts::save(db, staff.viewer.id, &form).await?;
                }
                return Err(e);
            }
        };
        let id =
            super::queries::write::create(db, &checked, &resolved, staff.viewer.id, &staff.actor())
                .await?;
        leptos_axum::redirect(&format!("/stories/{id}?flash=story-saved"));
        Ok(id)
    })
    .await
}

/// Saves changes to a story: its associate or author, or any manager. Fields are posted as
/// for [`create_story`], with the story's `id`.
#[server(prefix = "/fn", endpoint = "stories/update")]
pub async fn update_story(id: i64, #[server(flatten)] form: StoryDraft) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let db = &staff.state.db;
        let owners = super::queries::write::owners(db, id).await?;
        if !super::queries::may_edit(&staff.viewer, owners) {
            return Err(crate::accounts::guard::deny(&staff.state, &staff.ctx).await);
        }
        let mut checked = form.check(today(db).await?)?;
        // A story keeps its associate unless a manager names another.
        checked.associate.get_or_insert(owners.0);
        let viewer = if staff.viewer.role.at_least(Role::Manager) {
            staff.viewer.clone()
        } else {
            crate::accounts::StaffViewer {
                id: owners.0,
                ..staff.viewer.clone()
            }
        };
        let resolved = super::queries::people::resolve(db, &checked, &viewer).await?;
        super::queries::write::update(db, id, &checked, &resolved, &staff.actor()).await?;
        leptos_axum::redirect(&format!("/stories/{id}?flash=saved"));
        Ok(())
    })
    .await
}

/// Keeps the form's current values (a JSON object of its fields) as the caller's draft.
#[server(prefix = "/fn", endpoint = "stories/draft")]
pub async fn save_story_draft(body: String) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let draft: StoryDraft = serde_json::from_str(&body).map_err(|_| {
            AppError::Request("The draft is not a JSON object of the form's fields.".into())
        })?;
        if draft.is_blank() {
            super::queries::drafts::discard(&staff.state.db, staff.viewer.id).await?;
            return Ok(crate::db::now_ms());
        }
        super::queries::drafts::save(&staff.state.db, staff.viewer.id, &draft).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "stories/draft/discard")]
pub async fn discard_story_draft() -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::queries::drafts::discard(&staff.state.db, staff.viewer.id).await?;
        leptos_axum::redirect("/stories/new");
        Ok(())
    })
    .await
}

#[server(prefix = "/fn", endpoint = "stories/get")]
pub async fn get_story(id: i64) -> Result<Story, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::queries::detail::story(&staff.state.db, id, &staff.viewer).await
    })
    .await
}

/// Gives kudos to a story (`give` = true) or withdraws it.
#[server(prefix = "/fn", endpoint = "stories/kudos")]
pub async fn give_kudos(id: i64, give: bool) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::recognition::kudos(&staff.state.db, id, &staff.viewer, give, &staff.actor()).await?;
        leptos_axum::redirect(&format!("/stories/{id}"));
        Ok(())
    })
    .await
}

#[server(prefix = "/fn", endpoint = "stories/comment")]
pub async fn comment_story(id: i64, body: String) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let c = super::recognition::comment(
            &staff.state.db,
            id,
            staff.viewer.id,
            &body,
            &staff.actor(),
        )
        .await?;
        leptos_axum::redirect(&format!("/stories/{id}?flash=comment-added#comments"));
        Ok(c)
    })
    .await
}

/// Puts a story in the dashboard's spotlight (`on` = true) or takes it out. Managers only.
#[server(prefix = "/fn", endpoint = "stories/spotlight")]
pub async fn spotlight_story(id: i64, on: bool) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |manager| async move {
        super::recognition::spotlight(
            &manager.state.db,
            id,
            manager.viewer.id,
            on,
            &manager.actor(),
        )
        .await?;
        leptos_axum::redirect(&format!("/stories/{id}"));
        Ok(())
    })
    .await
}

/// The caller's twelve weeks, streak and kudos received.
#[server(prefix = "/fn", endpoint = "stories/mine")]
pub async fn load_my_stories() -> Result<MyStories, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let db = &staff.state.db;
        let today = today(db).await?;
        let since = crate::common::moment::monday_of(today) - chrono::Duration::weeks(104);
        let days = super::queries::cadence::story_days(db, staff.viewer.id, since).await?;
        let (kudos_total, recent_kudos) = super::recognition::received(db, staff.viewer.id).await?;
        Ok(MyStories {
            weeks: super::cadence::grid(today, &days, 12),
            streak: super::cadence::streak(today, &days),
            kudos_total,
            recent_kudos,
        })
    })
    .await
}

/// Who has and has not logged a story this week and last, per team. Managers only.
#[server(prefix = "/fn", endpoint = "stories/cadence")]
pub async fn story_cadence() -> Result<CadenceView, AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |manager| async move {
        use super::cadence::streak;
        use super::{CadenceRow, TeamCadence};
        use crate::common::moment::{monday_of, week_label};
        let db = &manager.state.db;
        let today = today(db).await?;
        let this_monday = monday_of(today);
        let last_monday = this_monday - chrono::Duration::weeks(1);
        let since = this_monday - chrono::Duration::weeks(104);
        let mut teams: Vec<TeamCadence> = Vec::new();
        for (person, team, days) in super::queries::cadence::associates_with_days(db, since).await?
        {
            let in_week =
                |m: chrono::NaiveDate| days.iter().filter(|d| monday_of(**d) == m).count() as i64;
            let row = CadenceRow {
                staff_id: person.id,
                name: person.name,
                this_week: in_week(this_monday),
                last_week: in_week(last_monday),
                streak: streak(today, &days).weeks,
            };
            let team = team.unwrap_or_else(|| "No team".into());
            match teams.iter_mut().find(|t| t.team == team) {
                Some(t) => t.rows.push(row),
                None => teams.push(TeamCadence {
                    team,
                    rows: vec![row],
                }),
            }
        }
        teams.sort_by(|a, b| {
            (a.team == "No team", a.team.to_lowercase())
                .cmp(&(b.team == "No team", b.team.to_lowercase()))
        });
        Ok(CadenceView {
            this_week: week_label(this_monday),
            last_week: week_label(last_monday),
            teams,
        })
    })
    .await
}

/// The latest spotlighted stories, for the dashboard.
#[server(prefix = "/fn", endpoint = "stories/spotlights")]
pub async fn spotlight_stories() -> Result<Vec<StoryCard>, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::recognition::spotlights(&staff.state.db, 3).await
    })
    .await
}

/// The shareable stories about the signed-in customer.
#[server(prefix = "/fn", endpoint = "portal/stories")]
pub async fn portal_stories() -> Result<Vec<PortalStory>, AppError> {
    crate::accounts::guard::as_customer(move |me| async move {
        super::queries::library::shareable_for(&me.state.db, me.viewer.customer_id).await
    })
    .await
}
