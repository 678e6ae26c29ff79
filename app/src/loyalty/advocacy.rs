//! What staff record by hand: a referral (of a customer or a prospect, converted or not) and a
//! review, post or testimonial, each optionally attributed to the recovery or story behind it.
use super::{PostRow, ReferralRow};
use crate::audit::{Actor, Entry};
use crate::common::money::Money;
use crate::db::{now_ms, Db};
use crate::error::{AppError, FieldError};
use sqlx::Row;

/// A referral as typed on the customer page.
pub struct ReferralForm<'a> {
    pub referred: &'a str,
    pub prospect_name: &'a str,
    pub converted: bool,
    pub revenue: &'a str,
    pub currency: &'a str,
    pub incident: &'a str,
    pub story: &'a str,
}

/// A review, post or testimonial as typed on the customer page.
pub struct PostForm<'a> {
    pub kind: &'a str,
    pub platform: &'a str,
    pub url: &'a str,
    pub audience: &'a str,
    pub sentiment: &'a str,
    pub occurred_on: &'a str,
    pub incident: &'a str,
    pub story: &'a str,
}

/// Checks that an optional incident belongs to the customer and an optional story is about
/// them; returns their ids.
async fn attribution(
    db: &Db,
    customer: i64,
    incident: &str,
    story: &str,
    errors: &mut Vec<FieldError>,
) -> Result<(Option<i64>, Option<i64>), AppError> {
    let mut ids = (None, None);
    if let Some(v) = Some(incident.trim().trim_start_matches('#')).filter(|v| !v.is_empty()) {
        let owner: Option<i64> = match v.parse::<i64>() {
            Ok(id) => sqlx::query_scalar("SELECT customer_id FROM incidents WHERE id = $1")
                .bind(id)
                .fetch_optional(db)
                .await?
                .map(|owner: i64| if owner == customer { id } else { -1 }),
            Err(_) => None,
        };
        match owner {
            Some(id) if id > 0 => ids.0 = Some(id),
            _ => errors.push(FieldError::new(
                "incident",
                "Enter the number of one of this customer's incidents.",
            )),
        }
    }
    if let Some(v) = Some(story.trim().trim_start_matches('#')).filter(|v| !v.is_empty()) {
        let about: Option<Option<i64>> = match v.parse::<i64>() {
            Ok(id) => {
                sqlx::query_scalar("SELECT customer_id FROM stories WHERE id = $1")
                    .bind(id)
                    .fetch_optional(db)
                    .await?
            }
            Err(_) => None,
        };
        match (about, v.parse::<i64>()) {
            (Some(Some(c)), Ok(id)) if c == customer => ids.1 = Some(id),
            _ => errors.push(FieldError::new(
                "story",
                "Enter the number of a story about this customer.",
            )),
        }
    }
    Ok(ids)
}

pub async fn record_referral(
    db: &Db,
    referrer: i64,
    f: &ReferralForm<'_>,
    actor: &Actor,
) -> Result<i64, AppError> {
    crate::customers::queries::find(db, referrer).await?;
    let mut errors = Vec::new();
    let mut referred = None;
    if !f.referred.trim().is_empty() {
        match crate::customers::queries::find_by_id_or_reference(db, f.referred).await? {
            None => errors.push(FieldError::new(
                "referred",
                "No customer has that id, email or reference.",
            )),
            Some(c) if c.id == referrer => errors.push(FieldError::new(
                "referred",
                "A customer cannot refer themselves.",
            )),
            Some(c) => {
                let taken: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM referrals WHERE referred_customer_id = $1",
                )
                .bind(c.id)
                .fetch_one(db)
                .await?;
                if taken > 0 {
                    errors.push(FieldError::new(
                        "referred",
                        "This customer is already attributed to a referrer.",
                    ));
                }
                referred = Some(c.id);
            }
        }
    }
    let prospect = f
        .prospect_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if referred.is_none() && prospect.is_empty() && f.referred.trim().is_empty() {
        errors.push(FieldError::new(
            "prospect_name",
            "Name the customer they referred, or the prospect.",
        ));
    }
    if prospect.chars().count() > 120 {
        errors.push(FieldError::new(
            "prospect_name",
            "Keep the name to 120 characters.",
        ));
    }
    let revenue = Money::parse(f.revenue, f.currency)
        .map_err(|m| errors.push(FieldError::new("revenue", m)))
        .ok();
    let (incident, story) = attribution(db, referrer, f.incident, f.story, &mut errors).await?;
    let (Some(revenue), true) = (revenue, errors.is_empty()) else {
        return Err(AppError::fields(errors));
    };
    let now = now_ms();
    let mut tx = crate::db::begin_write(db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO referrals (referrer_id, referred_customer_id, prospect_name, converted, revenue_minor, currency, source,
            incident_id, story_id, occurred_at, created_by_label, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'staff', $7, $8, $9, $10, $9) RETURNING id",
    )
    .bind(referrer)
    .bind(referred)
    .bind((!prospect.is_empty()).then_some(&prospect))
    .bind((referred.is_some() || f.converted) as i64)
    .bind(if referred.is_some() { 0 } else { revenue.minor })
    .bind(&revenue.currency)
    .bind(incident)
    .bind(story)
    .bind(now)
    .bind(&actor.label)
    .fetch_one(&mut *tx)
    .await?;
    if let Some(r) = referred {
        sqlx::query("UPDATE customers SET referred_by_id = $1 WHERE id = $2")
            .bind(referrer)
            .bind(r)
            .execute(&mut *tx)
            .await?;
    }
    crate::standing::recompute::refresh(&mut tx, &[referrer], now).await?;
    Entry::new(actor, "referral.create", "referral")
        .id(id)
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn record_post(
    db: &Db,
    customer: i64,
    f: &PostForm<'_>,
    actor: &Actor,
) -> Result<i64, AppError> {
    crate::customers::queries::find(db, customer).await?;
    let mut errors = Vec::new();
    if !["review", "post", "testimonial"].contains(&f.kind) {
        errors.push(FieldError::new(
            "kind",
            "Choose review, post or testimonial.",
        ));
    }
    if !["positive", "neutral", "negative"].contains(&f.sentiment) {
        errors.push(FieldError::new(
            "sentiment",
            "Choose positive, neutral or negative.",
        ));
    }
    let platform = f.platform.trim();
    if platform.is_empty() || platform.chars().count() > 60 {
        errors.push(FieldError::new(
            "platform",
            "Name the platform, e.g. Google reviews or Instagram.",
        ));
    }
    let url = f.url.trim();
    let link_ok = url.is_empty() || url.starts_with("https://") || url.starts_with("http://");
    if !link_ok || url.len() > 500 {
        errors.push(FieldError::new(
            "url",
            "Enter a link starting with https://.",
        ));
    }
    let audience = match f.audience.trim() {
        "" => 0,
        v => v
            .replace([',', ' '], "")
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=1_000_000_000).contains(n))
            .unwrap_or_else(|| {
                errors.push(FieldError::new(
                    "audience",
                    "Enter how many people it reached, e.g. 1200.",
                ));
                0
            }),
    };
    let today = chrono::Utc::now().date_naive();
    let day = match f.occurred_on.trim() {
        "" => Some(today),
        v => match crate::common::moment::parse_day(v) {
            Some(d) if d <= today => Some(d),
            _ => {
                errors.push(FieldError::new(
                    "occurred_on",
                    "Enter a past date like 2026-11-20.",
                ));
                None
            }
        },
    };
    let (incident, story) = attribution(db, customer, f.incident, f.story, &mut errors).await?;
    let (Some(day), true) = (day, errors.is_empty()) else {
        return Err(AppError::fields(errors));
    };
    let at = day
        .and_hms_opt(12, 0, 0)
        .unwrap_or_default()
        .and_utc()
        .timestamp_millis();
    let now = now_ms();
    let mut tx = crate::db::begin_write(db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO advocacy_events (customer_id, kind, platform, url, audience, sentiment, occurred_at, incident_id, story_id,
            created_by_label, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(customer)
    .bind(f.kind)
    .bind(platform)
    .bind((!url.is_empty()).then_some(url))
    .bind(audience)
    .bind(f.sentiment)
    .bind(at)
    .bind(incident)
    .bind(story)
    .bind(&actor.label)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    crate::standing::recompute::refresh(&mut tx, &[customer], now).await?;
    Entry::new(actor, "advocacy.create", "advocacy_event")
        .id(id)
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// The customer's referrals, newest first, each with its revenue (the referred customer's
/// orders, or what staff recorded for a prospect) in the organisation currency.
pub async fn referrals_of(
    conn: &mut sqlx::AnyConnection,
    rates: &crate::org::money::table::Rates,
    customer: i64,
) -> Result<Vec<ReferralRow>, AppError> {
    let rows = sqlx::query(
        "SELECT f.id, f.referred_customer_id, COALESCE(c.name, f.prospect_name, '') AS who, f.converted, f.source,
                f.incident_id, f.story_id, f.occurred_at
         FROM referrals f LEFT JOIN customers c ON c.id = f.referred_customer_id
         WHERE f.referrer_id = $1 ORDER BY f.occurred_at DESC, f.id DESC LIMIT 100",
    )
    .bind(customer)
    .fetch_all(&mut *conn)
    .await?;
    let mut amounts = crate::db::Sql::new(
        "SELECT f.id AS owner, o.currency, o.placed_at AS at, o.amount_minor AS amount
         FROM referrals f JOIN orders o ON o.customer_id = f.referred_customer_id
         WHERE f.referrer_id = ",
    );
    amounts
        .bind(customer)
        .push(
            " UNION ALL SELECT f.id, f.currency, f.occurred_at, f.revenue_minor FROM referrals f
             WHERE f.referred_customer_id IS NULL AND f.referrer_id = ",
        )
        .bind(customer);
    let revenue = crate::org::money::sums::by_owner(conn, rates, &amounts).await?;
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            let total = revenue.get(&id).map(|(_, t)| t.clone()).unwrap_or_default();
            Ok(ReferralRow {
                id,
                referred_customer_id: r.try_get("referred_customer_id")?,
                who: r.try_get("who")?,
                converted: r.try_get::<i64, _>("converted")? == 1,
                source: r.try_get("source")?,
                incident_id: r.try_get("incident_id")?,
                story_id: r.try_get("story_id")?,
                occurred_at: r.try_get("occurred_at")?,
                revenue_minor: total.minor,
                revenue_unrated: total.unrated.values().sum(),
            })
        })
        .collect()
}

/// The customer's reviews, posts and testimonials, newest first.
pub async fn posts_of(db: &Db, customer: i64) -> Result<Vec<PostRow>, AppError> {
    let rows = sqlx::query(
        "SELECT id, kind, platform, url, audience, sentiment, occurred_at, incident_id, story_id
         FROM advocacy_events WHERE customer_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT 100",
    )
    .bind(customer)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PostRow {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                platform: r.try_get("platform")?,
                url: r.try_get("url")?,
                audience: r.try_get("audience")?,
                sentiment: r.try_get("sentiment")?,
                occurred_at: r.try_get("occurred_at")?,
                incident_id: r.try_get("incident_id")?,
                story_id: r.try_get("story_id")?,
            })
        })
        .collect()
}
