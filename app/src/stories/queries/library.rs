//! The library: stories filtered, searched and ordered a page at a time; and the shareable
//! stories about one customer, as their portal shows them.
use super::{kind_of, week_of};
use crate::db::{Db, Keyword, Sql};
use crate::error::AppError;
use crate::stories::{PortalStory, StoryCard, StoryKind};
use chrono::NaiveDate;
use sqlx::any::AnyRow;
use sqlx::Row;

pub const PAGE_SIZE: i64 = 20;

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
    /// Told by a current member of this team.
    pub team_id: Option<i64>,
    /// [start, end): spotlighted then.
    pub spotlight_range: Option<(i64, i64)>,
    /// [start, end): given kudos then; each card's `kudos` then counts only those.
    pub kudos_range: Option<(i64, i64)>,
    pub page: i64,
}

/// The library's filters as its page URL (and its API and CSV export) carry them: every one
/// text, "" meaning any.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StoryQuery {
    pub q: String,
    pub kind: String,
    pub tag: String,
    pub associate: String,
    pub customer: String,
    pub week: String,
    pub sort: String,
    pub spotlight: String,
    pub team: String,
    pub spotlight_week: String,
    pub kudos_week: String,
    pub page: Option<i64>,
}

impl StoryQuery {
    /// The filter it names, or the first field that is not valid.
    pub async fn filter(self, db: &Db) -> Result<StoryFilter, AppError> {
        use crate::common::moment::parse_week;
        let tz = crate::org::clock::time_zone(db).await?;
        let moments = |field: &str, w: &str| {
            crate::org::clock::optional_week(tz, w).map_err(|m| AppError::field(field, m))
        };
        let week = match self.week.trim() {
            "" => None,
            w => {
                let monday = parse_week(w).map_err(|m| AppError::field("week", m))?;
                Some((monday, monday + chrono::Duration::days(7)))
            }
        };
        let kind = match self.kind.trim() {
            "" => None,
            k => Some(StoryKind::parse(k).ok_or_else(|| {
                AppError::field("kind", format!("'{k}' is not a kind of story."))
            })?),
        };
        Ok(StoryFilter {
            q: self.q,
            kind,
            tag: self.tag,
            associate_id: AppError::optional_id(&self.associate, "associate")?,
            customer_id: AppError::optional_id(&self.customer, "customer")?,
            week,
            most_kudos: self.sort == "kudos",
            spotlighted: AppError::optional_flag(&self.spotlight, "spotlight")?,
            team_id: AppError::optional_id(&self.team, "team")?,
            spotlight_range: moments("spotlight_week", &self.spotlight_week)?,
            kudos_range: moments("kudos_week", &self.kudos_week)?,
            page: self.page.unwrap_or(1),
        })
    }
}

/// The stories the library reads, for its count and its page.
macro_rules! stories_from {
    () => {
        " FROM stories s JOIN staff_users a ON a.id = s.associate_id
          LEFT JOIN customers c ON c.id = s.customer_id"
    };
}

const COUNT: &str = "SELECT 1 FROM stories s";
/// A card's columns up to its kudos count, which a kudos period narrows.
const CARDS: &str =
    "SELECT s.id, s.title, s.kind, s.occurred_on, s.associate_id, a.name AS associate_name,
            s.customer_id, c.name AS customer_name, s.result, s.spotlighted_at, s.shareable,
            (SELECT COUNT(*) FROM story_comments m WHERE m.story_id = s.id) AS comments,
            (SELECT COUNT(*) FROM story_kudos k WHERE k.story_id = s.id";
const CARDS_FROM: &str = concat!(") AS kudos", stories_from!());

/// The cards' statement, its kudos counted in the filter's kudos period when it has one.
fn cards(f: &StoryFilter) -> Sql {
    let mut q = Sql::new(CARDS);
    if let Some((from, to)) = f.kudos_range {
        q.push(" AND k.created_at >= ")
            .bind(from)
            .push(" AND k.created_at < ")
            .bind(to);
    }
    q.push(CARDS_FROM);
    q
}

const ORDERS: [(&str, &str); 2] = [
    ("newest", "s.occurred_on DESC, s.id DESC"),
    ("kudos", "kudos DESC, s.occurred_on DESC, s.id DESC"),
];

/// The condition that a story's text, its associate's or customer's name or one of its tags
/// holds the keyword; the text and the customer's name are read from the text indexes.
fn matching(q: &mut Sql, k: &Keyword) {
    match k.phrase() {
        Some(own) => q
            .push("(s.id IN (SELECT rowid FROM stories_search WHERE stories_search MATCH ")
            .bind(own)
            .push(") OR "),
        None => q
            .push(
                "(LOWER(s.title || ' ' || s.situation || ' ' || s.action_taken || ' ' || s.result
                   || ' ' || s.lesson || ' ' || s.internal_notes) LIKE ",
            )
            .bind(k.like())
            .push(" ESCAPE '\\' OR "),
    };
    k.customer_named(q, "s.customer_id");
    // Staff names and tags are short rows, few next to the stories: read with LIKE.
    q.push(" OR ");
    k.ids_like(
        q,
        "s.associate_id",
        "SELECT id FROM staff_users WHERE LOWER(name) LIKE ",
    );
    q.push(" OR ");
    k.ids_like(q, "s.id", "SELECT story_id FROM story_tags WHERE tag LIKE ");
    q.push(")");
}

/// `q` (a statement on stories `s`) narrowed to the stories the filter names, `keyword` being
/// its search.
fn filtered(mut q: Sql, f: &StoryFilter, keyword: Option<&Keyword>) -> Sql {
    if let Some(k) = keyword {
        matching(q.and(), k);
    }
    if let Some(k) = f.kind {
        q.and().push("s.kind = ").bind(k.as_str());
    }
    let tag = f.tag.trim().to_lowercase();
    if !tag.is_empty() {
        q.and()
            .push("EXISTS (SELECT 1 FROM story_tags t WHERE t.story_id = s.id AND t.tag = ")
            .bind(tag)
            .push(")");
    }
    if let Some(id) = f.associate_id {
        q.and().push("s.associate_id = ").bind(id);
    }
    if let Some(id) = f.customer_id {
        q.and().push("s.customer_id = ").bind(id);
    }
    if let Some((from, to)) = f.week {
        q.and().push("s.occurred_on >= ").bind(from.to_string());
        q.and().push("s.occurred_on < ").bind(to.to_string());
    }
    if f.spotlighted {
        q.and().push("s.spotlighted_at IS NOT NULL");
    }
    crate::org::scope::StaffScope::owned_by(&mut q, "s.associate_id", None, f.team_id);
    if let Some((from, to)) = f.spotlight_range {
        q.and()
            .push("s.spotlighted_at >= ")
            .bind(from)
            .push(" AND s.spotlighted_at < ")
            .bind(to);
    }
    if let Some((from, to)) = f.kudos_range {
        q.and()
            .push(
                "EXISTS (SELECT 1 FROM story_kudos g WHERE g.story_id = s.id AND g.created_at >= ",
            )
            .bind(from)
            .push(" AND g.created_at < ")
            .bind(to)
            .push(")");
    }
    q
}

/// One page of the stories the filter names, with how many it names in all (capped: see
/// [`crate::db::capped_total`]).
pub async fn list(db: &Db, f: &StoryFilter) -> Result<(Vec<StoryCard>, (i64, bool)), AppError> {
    let page = crate::db::page_number(f.page)?;
    let keyword = Keyword::parse(&f.q, crate::db::dialect(db));
    let count = filtered(Sql::new(COUNT), f, keyword.as_ref());
    let total = crate::db::capped_total(db, count, page, PAGE_SIZE).await?;
    let mut cards = filtered(cards(f), f, keyword.as_ref());
    cards.order_by(if f.most_kudos { "kudos" } else { "newest" }, &ORDERS)?;
    cards
        .push(" LIMIT ")
        .bind(PAGE_SIZE)
        .push(" OFFSET ")
        .bind((page - 1) * PAGE_SIZE);
    // A search runs unnamed, so PostgreSQL plans it with the term in hand.
    let rows = cards
        .query()
        .persistent(keyword.is_none())
        .fetch_all(db)
        .await?;
    let mut items = rows
        .iter()
        .map(card)
        .collect::<Result<Vec<_>, AppError>>()?;
    attach_tags(db, &mut items).await?;
    Ok((items, total))
}

/// One page of the library as the page and the API show it.
pub async fn page(db: &Db, f: &StoryFilter) -> Result<crate::stories::StoryPage, AppError> {
    let (items, (total, total_capped)) = list(db, f).await?;
    Ok(crate::stories::StoryPage {
        items,
        total,
        total_capped,
        page: f.page.max(1),
        page_size: PAGE_SIZE,
    })
}

/// The next stories of the whole filtered library, newest logged first, after the one with id
/// `after`: an export walks them a chunk at a time.
pub async fn export_chunk(
    db: &Db,
    f: &StoryFilter,
    after: Option<i64>,
) -> Result<Vec<StoryCard>, AppError> {
    let keyword = Keyword::parse(&f.q, crate::db::dialect(db));
    let mut q = filtered(cards(f), f, keyword.as_ref());
    if let Some(id) = after {
        q.and().push("s.id < ").bind(id);
    }
    q.push(" ORDER BY s.id DESC LIMIT ")
        .bind(crate::db::EXPORT_CHUNK);
    let rows = q.query().persistent(false).fetch_all(db).await?;
    let mut items = rows.iter().map(card).collect::<Result<Vec<_>, _>>()?;
    attach_tags(db, &mut items).await?;
    Ok(items)
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
    let mut q = Sql::new("SELECT story_id, tag FROM story_tags WHERE story_id IN ");
    q.list(items.iter().map(|i| i.id)).push(" ORDER BY tag");
    for r in q.query().fetch_all(db).await? {
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
