//! Stories: writing them (with colleagues, tags and the author's draft in one transaction),
//! reading one, the library, the portal's shareable ones, and the days the cadence counts.
use super::cadence::{parse_day, week_label};
use super::fields::{StoryDraft, StoryIn};
use super::{Comment, Person, PortalStory, Story, StoryCard, StoryKind};
use crate::accounts::StaffViewer;
use crate::audit::{Actor, Entry};
use crate::db::{like_pattern, now_ms, Db};
use crate::error::{AppError, FieldError};
use crate::incidents::money::Money;
use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::Row;

pub const PAGE_SIZE: i64 = 20;

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

async fn write_parts(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
    s: &StoryIn,
    r: &Resolved,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM story_colleagues WHERE story_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM story_tags WHERE story_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for c in &r.colleague_ids {
        sqlx::query("INSERT INTO story_colleagues (story_id, staff_id) VALUES ($1, $2)")
            .bind(id)
            .bind(c)
            .execute(&mut **tx)
            .await?;
    }
    for t in &s.tags {
        sqlx::query("INSERT INTO story_tags (story_id, tag) VALUES ($1, $2)")
            .bind(id)
            .bind(t)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Saves a new story and discards its author's draft in the same transaction.
pub async fn create(
    db: &Db,
    s: &StoryIn,
    r: &Resolved,
    author: i64,
    actor: &Actor,
) -> Result<i64, AppError> {
    let now = now_ms();
    let mut tx = crate::db::begin_write(db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO stories (associate_id, customer_id, incident_id, occurred_on, title, situation,
            action_taken, result, lesson, kind, cost_minor, currency, internal_notes, shareable,
            created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
         RETURNING id",
    )
    .bind(r.associate_id)
    .bind(r.customer_id)
    .bind(s.incident_id)
    .bind(s.occurred_on.to_string())
    .bind(&s.title)
    .bind(&s.situation)
    .bind(&s.action_taken)
    .bind(&s.result)
    .bind(&s.lesson)
    .bind(s.kind.as_str())
    .bind(s.cost.minor)
    .bind(&s.cost.currency)
    .bind(&s.internal_notes)
    .bind(s.shareable as i64)
    .bind(author)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    write_parts(&mut tx, id, s, r).await?;
    sqlx::query("DELETE FROM story_drafts WHERE staff_id = $1")
        .bind(author)
        .execute(&mut *tx)
        .await?;
    Entry::new(actor, "story.create", "story")
        .id(id)
        .after(&s.title)
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update(
    db: &Db,
    id: i64,
    s: &StoryIn,
    r: &Resolved,
    actor: &Actor,
) -> Result<(), AppError> {
    let before = draft_of(db, id).await?;
    let mut tx = crate::db::begin_write(db).await?;
    sqlx::query(
        "UPDATE stories SET associate_id = $1, customer_id = $2, incident_id = $3, occurred_on = $4,
            title = $5, situation = $6, action_taken = $7, result = $8, lesson = $9, kind = $10,
            cost_minor = $11, currency = $12, internal_notes = $13, shareable = $14, updated_at = $15
         WHERE id = $16",
    )
    .bind(r.associate_id)
    .bind(r.customer_id)
    .bind(s.incident_id)
    .bind(s.occurred_on.to_string())
    .bind(&s.title)
    .bind(&s.situation)
    .bind(&s.action_taken)
    .bind(&s.result)
    .bind(&s.lesson)
    .bind(s.kind.as_str())
    .bind(s.cost.minor)
    .bind(&s.cost.currency)
    .bind(&s.internal_notes)
    .bind(s.shareable as i64)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    write_parts(&mut tx, id, s, r).await?;
    Entry::new(actor, "story.update", "story")
        .id(id)
        .before(&before)
        .after(&s.title)
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Who may change a story: (associate, author).
pub async fn owners(db: &Db, id: i64) -> Result<(i64, i64), AppError> {
    let row = sqlx::query("SELECT associate_id, created_by FROM stories WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or_else(|| AppError::NotFound("That story".into()))?;
    Ok((row.try_get("associate_id")?, row.try_get("created_by")?))
}

pub fn may_edit(viewer: &StaffViewer, owners: (i64, i64)) -> bool {
    viewer.role.at_least(crate::accounts::Role::Manager)
        || owners.0 == viewer.id
        || owners.1 == viewer.id
}

const DETAIL: &str = "SELECT s.id, s.title, s.kind, s.occurred_on, s.associate_id, a.name AS associate_name,
        s.customer_id, c.name AS customer_name, c.external_ref AS customer_ref, c.email AS customer_email,
        s.incident_id, s.situation, s.action_taken, s.result, s.lesson, s.cost_minor, s.currency,
        s.internal_notes, s.shareable, s.spotlighted_at, s.created_by, cb.name AS created_by_name,
        s.created_at, s.updated_at
     FROM stories s
     JOIN staff_users a ON a.id = s.associate_id
     JOIN staff_users cb ON cb.id = s.created_by
     LEFT JOIN customers c ON c.id = s.customer_id
     WHERE s.id = $1";

fn kind_of(r: &AnyRow) -> Result<StoryKind, AppError> {
    let kind: String = r.try_get("kind")?;
    StoryKind::parse(&kind).ok_or_else(|| AppError::internal("stored story kind", kind))
}

fn week_of(day: &str) -> String {
    parse_day(day).map(week_label).unwrap_or_default()
}

async fn people(db: &Db, sql: &str, id: i64) -> Result<Vec<Person>, AppError> {
    let rows = sqlx::query(sql).bind(id).fetch_all(db).await?;
    rows.iter()
        .map(|r| {
            Ok(Person {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
            })
        })
        .collect()
}

async fn tags_of(db: &Db, id: i64) -> Result<Vec<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT tag FROM story_tags WHERE story_id = $1 ORDER BY tag")
            .bind(id)
            .fetch_all(db)
            .await?,
    )
}

/// One story as the viewer may see it.
pub async fn detail(db: &Db, id: i64, viewer: &StaffViewer) -> Result<Story, AppError> {
    let r = sqlx::query(DETAIL)
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or_else(|| AppError::NotFound("That story".into()))?;
    let associate_id: i64 = r.try_get("associate_id")?;
    let created_by: i64 = r.try_get("created_by")?;
    let colleagues = people(
        db,
        "SELECT u.id, u.name FROM story_colleagues sc JOIN staff_users u ON u.id = sc.staff_id
         WHERE sc.story_id = $1 ORDER BY LOWER(u.name)",
        id,
    )
    .await?;
    let kudos = people(
        db,
        "SELECT u.id, u.name FROM story_kudos k JOIN staff_users u ON u.id = k.staff_id
         WHERE k.story_id = $1 ORDER BY k.created_at",
        id,
    )
    .await?;
    let rows = sqlx::query(
        "SELECT m.id, u.name, m.body, m.created_at FROM story_comments m
         JOIN staff_users u ON u.id = m.staff_id WHERE m.story_id = $1 ORDER BY m.created_at, m.id",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    let comments = rows
        .iter()
        .map(|c| {
            Ok(Comment {
                id: c.try_get("id")?,
                author: c.try_get("name")?,
                body: c.try_get("body")?,
                created_at: c.try_get("created_at")?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let occurred_on: String = r.try_get("occurred_on")?;
    let in_story = associate_id == viewer.id || colleagues.iter().any(|c| c.id == viewer.id);
    Ok(Story {
        id,
        title: r.try_get("title")?,
        kind: kind_of(&r)?,
        week: week_of(&occurred_on),
        occurred_on,
        associate: Person {
            id: associate_id,
            name: r.try_get("associate_name")?,
        },
        customer_id: r.try_get("customer_id")?,
        customer_name: r.try_get("customer_name")?,
        incident_id: r.try_get("incident_id")?,
        situation: r.try_get("situation")?,
        action_taken: r.try_get("action_taken")?,
        result: r.try_get("result")?,
        lesson: r.try_get("lesson")?,
        cost: Money {
            minor: r.try_get("cost_minor")?,
            currency: r.try_get("currency")?,
        },
        tags: tags_of(db, id).await?,
        internal_notes: r.try_get("internal_notes")?,
        shareable: r.try_get::<i64, _>("shareable")? == 1,
        spotlighted_at: r.try_get("spotlighted_at")?,
        gave_kudos: kudos.iter().any(|k| k.id == viewer.id),
        can_give_kudos: !in_story,
        kudos,
        comments,
        created_by: r.try_get("created_by_name")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        can_edit: may_edit(viewer, (associate_id, created_by)),
        can_spotlight: viewer.role.at_least(crate::accounts::Role::Manager),
        colleagues,
    })
}

/// A stored story as form values, for editing.
pub async fn draft_of(db: &Db, id: i64) -> Result<StoryDraft, AppError> {
    let r = sqlx::query(DETAIL)
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or_else(|| AppError::NotFound("That story".into()))?;
    let colleagues = people(
        db,
        "SELECT u.id, u.name FROM story_colleagues sc JOIN staff_users u ON u.id = sc.staff_id
         WHERE sc.story_id = $1 ORDER BY LOWER(u.name)",
        id,
    )
    .await?;
    let customer_id: Option<i64> = r.try_get("customer_id")?;
    let customer_ref: Option<String> = r.try_get("customer_ref")?;
    let customer_email: Option<String> = r.try_get("customer_email")?;
    let cost = Money {
        minor: r.try_get("cost_minor")?,
        currency: r.try_get("currency")?,
    };
    Ok(StoryDraft {
        associate: r.try_get::<i64, _>("associate_id")?.to_string(),
        colleagues: colleagues
            .into_iter()
            .map(|c| c.name)
            .collect::<Vec<_>>()
            .join(", "),
        customer: customer_ref
            .or(customer_email)
            .or(customer_id.map(|c| c.to_string()))
            .unwrap_or_default(),
        occurred_on: r.try_get("occurred_on")?,
        title: r.try_get("title")?,
        situation: r.try_get("situation")?,
        action_taken: r.try_get("action_taken")?,
        result: r.try_get("result")?,
        lesson: r.try_get("lesson")?,
        kind: kind_of(&r)?.as_str().into(),
        incident: r
            .try_get::<Option<i64>, _>("incident_id")?
            .map(|i| i.to_string())
            .unwrap_or_default(),
        cost: if cost.minor > 0 {
            cost.amount()
        } else {
            String::new()
        },
        currency: cost.currency,
        tags: tags_of(db, id).await?.join(", "),
        internal_notes: r.try_get("internal_notes")?,
        shareable: r.try_get::<i64, _>("shareable")? == 1,
    })
}

/// What the library is filtered and ordered by.
#[derive(Clone, Debug, Default)]
pub struct StoryFilter {
    pub q: String,
    pub kind: Option<StoryKind>,
    pub tag: String,
    pub associate_id: Option<i64>,
    pub customer_id: Option<i64>,
    /// [monday, next monday) of an ISO week.
    pub week: Option<(NaiveDate, NaiveDate)>,
    pub most_kudos: bool,
    pub spotlighted: bool,
    pub page: i64,
}

enum Bind {
    Text(String),
    Int(i64),
}

pub async fn list(db: &Db, f: &StoryFilter) -> Result<(Vec<StoryCard>, i64), AppError> {
    let mut clauses: Vec<String> = Vec::new();
    let mut binds: Vec<Bind> = Vec::new();
    let mut push = |sql: &dyn Fn(usize) -> String, b: Bind, clauses: &mut Vec<String>| {
        binds.push(b);
        clauses.push(sql(binds.len()));
    };
    let q = f.q.trim();
    if !q.is_empty() {
        push(
            &|n| {
                format!(
                    "(LOWER(s.title || ' ' || s.situation || ' ' || s.action_taken || ' ' || s.result || ' ' || s.lesson || ' ' || s.internal_notes) LIKE ${n} ESCAPE '\\'
                      OR LOWER(a.name) LIKE ${n} ESCAPE '\\' OR LOWER(COALESCE(c.name, '')) LIKE ${n} ESCAPE '\\'
                      OR EXISTS (SELECT 1 FROM story_tags t WHERE t.story_id = s.id AND t.tag LIKE ${n} ESCAPE '\\'))"
                )
            },
            Bind::Text(like_pattern(q)),
            &mut clauses,
        );
    }
    if let Some(k) = f.kind {
        push(
            &|n| format!("s.kind = ${n}"),
            Bind::Text(k.as_str().into()),
            &mut clauses,
        );
    }
    let tag = f.tag.trim().to_lowercase();
    if !tag.is_empty() {
        push(
            &|n| {
                format!(
                    "EXISTS (SELECT 1 FROM story_tags t WHERE t.story_id = s.id AND t.tag = ${n})"
                )
            },
            Bind::Text(tag),
            &mut clauses,
        );
    }
    if let Some(id) = f.associate_id {
        push(
            &|n| format!("s.associate_id = ${n}"),
            Bind::Int(id),
            &mut clauses,
        );
    }
    if let Some(id) = f.customer_id {
        push(
            &|n| format!("s.customer_id = ${n}"),
            Bind::Int(id),
            &mut clauses,
        );
    }
    if let Some((from, to)) = f.week {
        push(
            &|n| format!("s.occurred_on >= ${n}"),
            Bind::Text(from.to_string()),
            &mut clauses,
        );
        push(
            &|n| format!("s.occurred_on < ${n}"),
            Bind::Text(to.to_string()),
            &mut clauses,
        );
    }
    if f.spotlighted {
        clauses.push("s.spotlighted_at IS NOT NULL".into());
    }
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    let from = "FROM stories s JOIN staff_users a ON a.id = s.associate_id
                LEFT JOIN customers c ON c.id = s.customer_id";
    let count_sql = format!("SELECT COUNT(*) {from}{filter}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    for b in &binds {
        count = match b {
            Bind::Text(t) => count.bind(t),
            Bind::Int(i) => count.bind(i),
        };
    }
    let total = count.fetch_one(db).await?;
    let order = if f.most_kudos {
        "kudos DESC, s.occurred_on DESC, s.id DESC"
    } else {
        "s.occurred_on DESC, s.id DESC"
    };
    let page = crate::db::page_number(f.page)?;
    let sql = format!(
        "SELECT s.id, s.title, s.kind, s.occurred_on, s.associate_id, a.name AS associate_name,
                s.customer_id, c.name AS customer_name, s.result, s.spotlighted_at, s.shareable,
                (SELECT COUNT(*) FROM story_kudos k WHERE k.story_id = s.id) AS kudos,
                (SELECT COUNT(*) FROM story_comments m WHERE m.story_id = s.id) AS comments
         {from}{filter} ORDER BY {order} LIMIT {PAGE_SIZE} OFFSET {}",
        (page - 1) * PAGE_SIZE
    );
    let mut query = sqlx::query(&sql);
    for b in &binds {
        query = match b {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    let rows = query.fetch_all(db).await?;
    let mut items = rows
        .iter()
        .map(card)
        .collect::<Result<Vec<_>, AppError>>()?;
    attach_tags(db, &mut items).await?;
    Ok((items, total))
}

fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(180).collect();
    if text.chars().count() > 180 {
        out = out.trim_end().to_string() + "…";
    }
    out
}

fn card(r: &AnyRow) -> Result<StoryCard, AppError> {
    let occurred_on: String = r.try_get("occurred_on")?;
    let result: String = r.try_get("result")?;
    Ok(StoryCard {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        kind: kind_of(r)?,
        week: week_of(&occurred_on),
        occurred_on,
        associate_id: r.try_get("associate_id")?,
        associate_name: r.try_get("associate_name")?,
        customer_id: r.try_get("customer_id")?,
        customer_name: r.try_get("customer_name")?,
        excerpt: excerpt(&result),
        tags: Vec::new(),
        kudos: r.try_get("kudos")?,
        comments: r.try_get("comments")?,
        spotlighted: r.try_get::<Option<i64>, _>("spotlighted_at")?.is_some(),
        shareable: r.try_get::<i64, _>("shareable")? == 1,
    })
}

async fn attach_tags(db: &Db, items: &mut [StoryCard]) -> Result<(), AppError> {
    if items.is_empty() {
        return Ok(());
    }
    let ids = items
        .iter()
        .map(|i| i.id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let rows = sqlx::query(&format!(
        "SELECT story_id, tag FROM story_tags WHERE story_id IN ({ids}) ORDER BY tag"
    ))
    .fetch_all(db)
    .await?;
    for r in rows {
        let id: i64 = r.try_get("story_id")?;
        if let Some(item) = items.iter_mut().find(|i| i.id == id) {
            item.tags.push(r.try_get("tag")?);
        }
    }
    Ok(())
}

/// Shareable stories about one customer, as the portal shows them.
pub async fn shareable_for(db: &Db, customer_id: i64) -> Result<Vec<PortalStory>, AppError> {
    let rows = sqlx::query(
        "SELECT s.id, s.title, s.occurred_on, a.name, s.situation, s.action_taken, s.result
         FROM stories s JOIN staff_users a ON a.id = s.associate_id
         WHERE s.customer_id = $1 AND s.shareable = 1 ORDER BY s.occurred_on DESC, s.id DESC",
    )
    .bind(customer_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            let name: String = r.try_get("name")?;
            Ok(PortalStory {
                id: r.try_get("id")?,
                title: r.try_get("title")?,
                occurred_on: r.try_get("occurred_on")?,
                told_by: name
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                situation: r.try_get("situation")?,
                action_taken: r.try_get("action_taken")?,
                result: r.try_get("result")?,
            })
        })
        .collect()
}

/// Keeps what someone has typed into the story form so far.
pub async fn save_draft(db: &Db, staff_id: i64, draft: &StoryDraft) -> Result<i64, AppError> {
    let body = serde_json::to_string(draft).map_err(|e| AppError::internal("draft", e))?;
    if body.len() > 64 * 1024 {
        return Err(AppError::field("draft", "The draft is too long to keep."));
    }
    let now = now_ms();
    sqlx::query(
        "INSERT INTO story_drafts (staff_id, body, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (staff_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(staff_id)
    .bind(body)
    .bind(now)
    .execute(db)
    .await?;
    Ok(now)
}

pub async fn load_draft(db: &Db, staff_id: i64) -> Result<Option<(StoryDraft, i64)>, AppError> {
    let row = sqlx::query("SELECT body, updated_at FROM story_drafts WHERE staff_id = $1")
        .bind(staff_id)
        .fetch_optional(db)
        .await?;
    Ok(match row {
        None => None,
        Some(r) => {
            let body: String = r.try_get("body")?;
            serde_json::from_str(&body)
                .ok()
                .map(|d| Ok::<_, AppError>((d, r.try_get("updated_at")?)))
                .transpose()?
        }
    })
}

pub async fn discard_draft(db: &Db, staff_id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM story_drafts WHERE staff_id = $1")
        .bind(staff_id)
        .execute(db)
        .await?;
    Ok(())
}

/// The days of one person's stories since a day.
pub async fn story_days(
    db: &Db,
    associate_id: i64,
    since: NaiveDate,
) -> Result<Vec<NaiveDate>, AppError> {
    let days: Vec<String> = sqlx::query_scalar(
        "SELECT occurred_on FROM stories WHERE associate_id = $1 AND occurred_on >= $2",
    )
    .bind(associate_id)
    .bind(since.to_string())
    .fetch_all(db)
    .await?;
    Ok(days.iter().filter_map(|d| parse_day(d)).collect())
}

/// Every active associate with their team and the days of their stories since a day.
pub async fn associates_with_days(
    db: &Db,
    since: NaiveDate,
) -> Result<Vec<(Person, Option<String>, Vec<NaiveDate>)>, AppError> {
    let rows = sqlx::query(
        "SELECT u.id, u.name, t.name AS team FROM staff_users u LEFT JOIN teams t ON t.id = u.team_id
         WHERE u.active = 1 AND u.role = 'associate' ORDER BY LOWER(u.name)",
    )
    .fetch_all(db)
    .await?;
    let days = sqlx::query(
        "SELECT s.associate_id, s.occurred_on FROM stories s WHERE s.occurred_on >= $1",
    )
    .bind(since.to_string())
    .fetch_all(db)
    .await?;
    let mut by_person: std::collections::HashMap<i64, Vec<NaiveDate>> = Default::default();
    for d in days {
        let day: String = d.try_get("occurred_on")?;
        if let Some(day) = parse_day(&day) {
            by_person
                .entry(d.try_get("associate_id")?)
                .or_default()
                .push(day);
        }
    }
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            Ok((
                Person {
                    id,
                    name: r.try_get("name")?,
                },
                r.try_get("team")?,
                by_person.remove(&id).unwrap_or_default(),
            ))
        })
        .collect()
}
