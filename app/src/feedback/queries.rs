//! Recording feedback (assessed, with its follow-up opened in the same transaction) and
//! reading it back.
pub use super::answer::{decode_reasons, NewFeedback};
use super::assess::{assess, History};
use super::{Assessment, Channel, Feedback, Reason, ScoreType};
use crate::audit::{Actor, Entry};
use crate::db::Tx;
use crate::db::{Db, Keyword, Sql};
use crate::error::AppError;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

const DAY_MS: i64 = 86_400_000;

/// What recording an answer did: the API returns this per item.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Recorded {
    pub id: i64,
    pub assessment: Assessment,
    pub reasons: Vec<Reason>,
    pub follow_up: Option<i64>,
}

async fn history(tx: &mut Tx, customer_id: i64, at: i64) -> Result<History, AppError> {
    let unresolved: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM incidents WHERE customer_id = $1 AND status <> 'resolved' AND detected_at >= $2 AND detected_at <= $3",
    )
    .bind(customer_id)
    .bind(at - 30 * DAY_MS)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    let earlier: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM feedback WHERE customer_id = $1 AND assessment <> 'fine' AND received_at >= $2 AND received_at < $3",
    )
    .bind(customer_id)
    .bind(at - 90 * DAY_MS)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    Ok(History {
        unresolved_incident: unresolved > 0,
        earlier_poor_answers: earlier as u32,
    })
}

/// Assesses and stores one answer in `tx`, opening its follow-up when it needs one. The caller
/// refreshes the customer's standing, once for the whole transaction.
pub async fn record(tx: &mut Tx, new: &NewFeedback, actor: &Actor) -> Result<Recorded, AppError> {
    if let Some(incident) = new.incident_id {
        let owner: Option<i64> =
            sqlx::query_scalar("SELECT customer_id FROM incidents WHERE id = $1")
                .bind(incident)
                .fetch_optional(&mut **tx)
                .await?;
        if owner != Some(new.customer_id) {
            return Err(AppError::field(
                "incident",
                "That incident is not one of this customer's.",
            ));
        }
    }
    let history = history(tx, new.customer_id, new.received_at).await?;
    let verdict = assess(new.score_type, new.score, &new.comment, &history);
    let reasons =
        serde_json::to_string(&verdict.reasons).map_err(|e| AppError::internal("reasons", e))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO feedback (customer_id, channel, score_type, score, comment, received_at, incident_id, order_ref,
                               survey_link_id, idempotency_key, assessment, reasons, risk, entered_by_label, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(new.customer_id)
    .bind(new.channel.as_str())
    .bind(new.score_type.as_str())
    .bind(new.score)
    .bind(&new.comment)
    .bind(new.received_at)
    .bind(new.incident_id)
    .bind(&new.order_ref)
    .bind(new.survey_link_id)
    .bind(&new.idempotency_key)
    .bind(verdict.assessment.as_str())
    .bind(&reasons)
    .bind(verdict.risk)
    .bind(&actor.label)
    .bind(crate::db::now_ms())
    .fetch_one(&mut **tx)
    .await?;
    let follow_up = if verdict.assessment.needs_follow_up() {
        Some(super::follow_ups::open(tx, id, new, &verdict).await?)
    } else {
        None
    };
    Entry::new(actor, "feedback.create", "feedback")
        .id(id)
        .after(&serde_json::json!({
            "customer_id": new.customer_id, "score_type": new.score_type.as_str(), "score": new.score,
            "assessment": verdict.assessment.as_str(), "follow_up": follow_up,
        }))
        .write(&mut **tx)
        .await?;
    let recorded = Recorded {
        id,
        assessment: verdict.assessment,
        reasons: verdict.reasons,
        follow_up,
    };
    super::announce::received(tx, new, &recorded).await?;
    Ok(recorded)
}

/// Records one answer in its own transaction.
pub async fn create(db: &Db, new: &NewFeedback, actor: &Actor) -> Result<Recorded, AppError> {
    let mut tx = crate::db::begin_write(db).await?;
    let recorded = record(&mut tx, new, actor).await?;
    crate::standing::recompute::refresh(&mut tx, &[new.customer_id], crate::db::now_ms()).await?;
    tx.commit().await?;
    Ok(recorded)
}

const SELECT: &str = "SELECT f.id, f.customer_id, c.name AS customer_name, f.channel, f.score_type, f.score, f.comment,
        f.received_at, f.incident_id, f.order_ref, f.assessment, f.reasons, f.entered_by_label, u.id AS follow_up_id
    FROM feedback f JOIN customers c ON c.id = f.customer_id LEFT JOIN follow_ups u ON u.feedback_id = f.id";

fn row(r: &AnyRow) -> Result<Feedback, AppError> {
    let text = |c: &str| -> Result<String, AppError> { Ok(r.try_get::<String, _>(c)?) };
    let id: i64 = r.try_get("id")?;
    Ok(Feedback {
        id,
        customer_id: r.try_get("customer_id")?,
        customer_name: text("customer_name")?,
        channel: Channel::decode(&text("channel")?, "feedback", id)?,
        score_type: ScoreType::decode(&text("score_type")?, "feedback", id)?,
        score: r.try_get("score")?,
        comment: text("comment")?,
        received_at: r.try_get("received_at")?,
        incident_id: r.try_get("incident_id")?,
        order_ref: r.try_get("order_ref")?,
        assessment: Assessment::decode(&text("assessment")?, "feedback", id)?,
        reasons: decode_reasons(&text("reasons")?, id)?,
        follow_up_id: r.try_get("follow_up_id")?,
        entered_by: text("entered_by_label")?,
    })
}

pub async fn find(db: &Db, id: i64) -> Result<Feedback, AppError> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE f.id = ").bind(id);
    let r = q
        .query()
        .fetch_optional(db)
        .await?
        .ok_or_else(|| AppError::NotFound("That feedback".into()))?;
    row(&r)
}

/// What the feedback list is narrowed to.
#[derive(Clone, Debug, Default)]
pub struct FeedbackFilter {
    pub assessment: Option<Assessment>,
    pub score_type: Option<ScoreType>,
    pub channel: Option<Channel>,
    pub customer_id: Option<i64>,
    pub range: Option<(i64, i64)>,
    /// Owned by this staff member: whoever followed the answer up, else whoever had its
    /// incident (the owner the weekly figures count it under).
    pub assignee_id: Option<i64>,
    /// Owned by a current member of this team.
    pub team_id: Option<i64>,
    pub q: String,
    pub page: i64,
}

pub const PAGE_SIZE: i64 = 25;

/// The list's filters as its page URL (and its API and CSV export) carry them: every one text,
/// "" meaning any.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct FeedbackQuery {
    pub assessment: String,
    pub score_type: String,
    pub channel: String,
    pub customer: String,
    pub week: String,
    pub assignee: String,
    pub team: String,
    pub q: String,
    pub page: Option<i64>,
}

/// `value` read by `parse`, "" being none; anything else is the field's error.
fn choice<T>(
    value: &str,
    parse: fn(&str) -> Option<T>,
    field: &str,
) -> Result<Option<T>, AppError> {
    match value.trim() {
        "" => Ok(None),
        v => parse(v)
            .map(Some)
            .ok_or_else(|| AppError::field(field, format!("'{v}' is not a valid {field}."))),
    }
}

impl FeedbackQuery {
    /// The filter it names, or the first field that is not valid.
    pub async fn filter(self, db: &Db) -> Result<FeedbackFilter, AppError> {
        let tz = crate::org::clock::time_zone(db).await?;
        Ok(FeedbackFilter {
            assessment: choice(&self.assessment, Assessment::parse, "assessment")?,
            score_type: choice(&self.score_type, ScoreType::parse, "score_type")?,
            channel: choice(&self.channel, Channel::parse, "channel")?,
            customer_id: AppError::optional_id(&self.customer, "customer")?,
            range: crate::org::clock::optional_week(tz, &self.week)
                .map_err(|m| AppError::field("week", m))?,
            assignee_id: AppError::optional_id(&self.assignee, "assignee")?,
            team_id: AppError::optional_id(&self.team, "team")?,
            q: self.q,
            page: self.page.unwrap_or(1),
        })
    }
}

/// Who owns an answer `f`: whoever followed it up, else whoever had its incident.
const OWNER: &str = "COALESCE((SELECT o.assignee_id FROM follow_ups o WHERE o.feedback_id = f.id),
    (SELECT i.assignee_id FROM incidents i WHERE i.id = f.incident_id))";

impl FeedbackFilter {
    /// Adds the filter's conditions on feedback `f`, `keyword` being its search.
    fn narrow(&self, q: &mut Sql, keyword: Option<&Keyword>) {
        if let Some(a) = self.assessment {
            q.and().push("f.assessment = ").bind(a.as_str());
        }
        if let Some(s) = self.score_type {
            q.and().push("f.score_type = ").bind(s.as_str());
        }
        if let Some(c) = self.channel {
            q.and().push("f.channel = ").bind(c.as_str());
        }
        if let Some(k) = keyword {
            matching(q.and(), k);
        }
        if let Some(id) = self.customer_id {
            q.and().push("f.customer_id = ").bind(id);
        }
        if let Some((from, to)) = self.range {
            q.and()
                .push("f.received_at >= ")
                .bind(from)
                .push(" AND f.received_at < ")
                .bind(to);
        }
        crate::org::scope::StaffScope::owned_by(q, OWNER, self.assignee_id, self.team_id);
    }
}

/// The condition that a feedback's comment or its customer's name holds the keyword, read from
/// the text indexes.
fn matching(q: &mut Sql, k: &Keyword) {
    match k.phrase() {
        Some(own) => q
            .push("(f.id IN (SELECT rowid FROM feedback_search WHERE feedback_search MATCH ")
            .bind(own)
            .push(") OR "),
        None => q
            .push("(LOWER(f.comment) LIKE ")
            .bind(k.like())
            .push(" ESCAPE '\\' OR "),
    };
    k.customer_named(q, "f.customer_id");
    q.push(")");
}

/// A page of feedback, newest first, with the total matching (capped: see
/// [`crate::db::capped_total`]).
pub async fn list(db: &Db, f: &FeedbackFilter) -> Result<(Vec<Feedback>, (i64, bool)), AppError> {
    let keyword = Keyword::parse(&f.q, crate::db::dialect(db));
    let page = crate::db::page_number(f.page)?;
    let mut count = Sql::new("SELECT 1 FROM feedback f");
    f.narrow(&mut count, keyword.as_ref());
    let total = crate::db::capped_total(db, count, page, PAGE_SIZE).await?;
    let mut q = Sql::new(SELECT);
    f.narrow(&mut q, keyword.as_ref());
    q.push(" ORDER BY f.received_at DESC, f.id DESC LIMIT ")
        .bind(PAGE_SIZE)
        .push(" OFFSET ")
        .bind((page - 1) * PAGE_SIZE);
    // A search runs unnamed, so PostgreSQL plans it with the term in hand.
    let rows = q
        .query()
        .persistent(keyword.is_none())
        .fetch_all(db)
        .await?;
    Ok((rows.iter().map(row).collect::<Result<_, _>>()?, total))
}

/// One page of the list as the page and the API show it.
pub async fn page(db: &Db, f: &FeedbackFilter) -> Result<super::FeedbackPage, AppError> {
    let (items, (total, total_capped)) = list(db, f).await?;
    Ok(super::FeedbackPage {
        items,
        total,
        total_capped,
        page: f.page.max(1),
        page_size: PAGE_SIZE,
    })
}

/// The next answers of the whole filtered list, newest first, after the one at `after`
/// (received_at, id): an export walks them a chunk at a time.
pub async fn export_chunk(
    db: &Db,
    f: &FeedbackFilter,
    after: Option<(i64, i64)>,
) -> Result<Vec<Feedback>, AppError> {
    let keyword = Keyword::parse(&f.q, crate::db::dialect(db));
    let mut q = Sql::new(SELECT);
    f.narrow(&mut q, keyword.as_ref());
    q.after("f.received_at", "f.id", after);
    q.push(" ORDER BY f.received_at DESC, f.id DESC LIMIT ")
        .bind(crate::db::EXPORT_CHUNK);
    let rows = q.query().persistent(false).fetch_all(db).await?;
    rows.iter().map(row).collect()
}
