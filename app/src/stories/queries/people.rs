//! The people a story names: the staff it may name, and the names typed on it resolved to ids.
use crate::accounts::StaffViewer;
use crate::db::Db;
use crate::error::{AppError, FieldError};
use crate::stories::fields::StoryIn;
use sqlx::Row;

/// The ids a story's names resolve to.
pub struct Resolved {
    pub associate_id: i64,
    pub colleague_ids: Vec<i64>,
    pub customer_id: Option<i64>,
}

/// Turns the names on a checked story into ids. Associates log their own stories (colleagues
/// can be named); managers may log one for anyone.
pub async fn resolve(db: &Db, s: &StoryIn, viewer: &StaffViewer) -> Result<Resolved, AppError> {
    use crate::accounts::Role;
    let staff = active_staff(db).await?;
    let mut errors = Vec::new();
    let associate_id = match s.associate {
        None => viewer.id,
        Some(id) if id == viewer.id => id,
        Some(id) if viewer.role.at_least(Role::Manager) => {
            if !staff.iter().any(|p| p.id == id) {
                errors.push(FieldError::new(
                    "associate",
                    "Choose an active staff member.",
                ));
            }
            id
        }
        Some(_) => {
            errors.push(FieldError::new(
                "associate",
                "You can log your own stories; name the others as colleagues.",
            ));
            viewer.id
        }
    };
    let mut colleague_ids = Vec::new();
    let mut unknown = Vec::new();
    for name in &s.colleagues {
        match match_person(&staff, name) {
            Some(id) if id != associate_id && !colleague_ids.contains(&id) => {
                colleague_ids.push(id)
            }
            Some(_) => {}
            None => unknown.push(name.clone()),
        }
    }
    if !unknown.is_empty() {
        errors.push(FieldError::new(
            "colleagues",
            format!(
                "No one active on the staff matches {}. Use their full name or email.",
                unknown
                    .iter()
                    .map(|n| format!("'{n}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let mut customer_id = None;
    if !s.customer.is_empty() {
        match crate::customers::queries::find_by_id_or_reference(db, &s.customer).await? {
            Some(c) => customer_id = Some(c.id),
            None => errors.push(FieldError::new(
                "customer",
                "No customer has that id, email or reference. Leave it empty if they are not a customer.",
            )),
        }
    }
    if let Some(incident) = s.incident_id {
        let owner: Option<i64> =
            sqlx::query_scalar("SELECT customer_id FROM incidents WHERE id = $1")
                .bind(incident)
                .fetch_optional(db)
                .await?;
        match owner {
            None => errors.push(FieldError::new(
                "incident",
                "There is no incident with that number.",
            )),
            Some(c) if customer_id.is_some_and(|mine| mine != c) => errors.push(FieldError::new(
                "incident",
                "That incident is about another customer.",
            )),
            Some(c) => customer_id = Some(c),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    Ok(Resolved {
        associate_id,
        colleague_ids,
        customer_id,
    })
}

/// Active staff, for the form's choices and for matching names.
pub async fn active_staff(db: &Db) -> Result<Vec<PersonWithEmail>, AppError> {
    let rows = sqlx::query(
        "SELECT id, name, email FROM staff_users WHERE active = 1 ORDER BY LOWER(name)",
    )
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PersonWithEmail {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                email: r.try_get("email")?,
            })
        })
        .collect()
}

pub struct PersonWithEmail {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// A typed name to one person: full name or email, else a first name only one person has.
fn match_person(staff: &[PersonWithEmail], typed: &str) -> Option<i64> {
    let t = typed.trim().to_lowercase();
    if let Some(p) = staff
        .iter()
        .find(|p| p.name.to_lowercase() == t || p.email.to_lowercase() == t)
    {
        return Some(p.id);
    }
    let mut firsts = staff.iter().filter(|p| {
        p.name
            .split_whitespace()
            .next()
            .is_some_and(|f| f.to_lowercase() == t)
    });
    match (firsts.next(), firsts.next()) {
        (Some(p), None) => Some(p.id),
        _ => None,
    }
}
