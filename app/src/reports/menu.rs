//! The weekly report's scope menu: the organisation, its teams, then people — everyone in a
//! small organisation, the people of the team in view in a large one.
use super::access::Access;
use super::{ScopeMenu, ScopeOption, MENU_PEOPLE};
use crate::db::Db;
use crate::error::AppError;
use crate::org::{scope::StaffScope, teams};

/// The scopes `access`'s viewer may choose, with `in_view` the scope on the page.
pub async fn build(db: &Db, access: &Access, in_view: StaffScope) -> Result<ScopeMenu, AppError> {
    let mut wanted = vec![(StaffScope::Organisation, "Whole organisation".to_string())];
    let team_names = teams::names(db).await?;
    for (id, name) in &team_names {
        wanted.push((StaffScope::Team(*id), format!("Team {name}")));
    }
    let by_team = teams::active_count(db).await? > MENU_PEOPLE;
    let (people, people_heading) = if by_team {
        let team = match in_view {
            StaffScope::Organisation => None,
            StaffScope::Team(t) => Some(t),
            StaffScope::Associate(a) => teams::team_of(db, a).await?,
        };
        let mut people = match team {
            Some(t) => teams::people(db, Some(t)).await?,
            None => Vec::new(),
        };
        // The person in view stays in the menu even outside a team.
        if let StaffScope::Associate(a) = in_view {
            if !people.iter().any(|(id, _)| *id == a) {
                match super::weekly::scope_name(db, in_view).await {
                    Ok(name) => people.insert(0, (a, name)),
                    Err(AppError::NotFound(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        let heading = match team_names.iter().find(|(id, _)| Some(*id) == team) {
            Some((_, name)) => format!("People in Team {name}"),
            None => "People".to_string(),
        };
        (people, heading)
    } else {
        (teams::people(db, None).await?, "People".to_string())
    };
    let allowed = |(scope, label): (StaffScope, String)| {
        access.resolve(scope, true).ok().map(|_| ScopeOption {
            query: scope.query(),
            label,
        })
    };
    Ok(ScopeMenu {
        scopes: wanted.into_iter().filter_map(allowed).collect(),
        people: people
            .into_iter()
            .map(|(id, name)| (StaffScope::Associate(id), name))
            .filter_map(allowed)
            .collect(),
        people_heading,
        by_team,
    })
}
