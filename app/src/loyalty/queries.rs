//! The loyalty profile the customer page and the API show.
use super::{AnswerPoint, LoyaltyProfile, RecoveryRow};
use crate::common::money::Money;
use crate::db::{Db, Sql};
use crate::error::AppError;
use crate::org::money::sums;
use crate::standing::recompute::inputs;
use crate::standing::score::score;
use sqlx::{AnyConnection, Row};

const DAY_MS: i64 = 86_400_000;

async fn count(conn: &mut AnyConnection, sql: &'static str, id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(sql).bind(id).fetch_one(conn).await?)
}

/// The amounts of `rows` (see [`sums::by_owner`]) added up per currency, as recorded.
async fn by_currency(conn: &mut AnyConnection, rows: &Sql) -> Result<Vec<Money>, AppError> {
    let mut q = Sql::new("SELECT m.currency, CAST(COALESCE(SUM(m.amount), 0) AS BIGINT) FROM (");
    q.nest(rows)
        .push(") m GROUP BY m.currency ORDER BY m.currency");
    let found: Vec<(String, i64)> = q.query_as().fetch_all(conn).await?;
    Ok(found
        .into_iter()
        .map(|(currency, minor)| Money { minor, currency })
        .collect())
}

/// One customer's loyalty profile as of `now`.
pub async fn profile(db: &Db, id: i64, now: i64) -> Result<LoyaltyProfile, AppError> {
    let mut conn = db.acquire().await?;
    let c = crate::customers::queries::find(db, id).await?;
    let scored = score(&inputs(&mut conn, id, now).await?);
    let orders = sqlx::query(
        "SELECT COUNT(*) AS n, MAX(placed_at) AS last_at,
                CAST(COALESCE(SUM(CASE WHEN placed_at >= $2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS n_12m
         FROM orders WHERE customer_id = $1",
    )
    .bind(id)
    .bind(now - 365 * DAY_MS)
    .fetch_one(&mut *conn)
    .await?;
    let orders_total: i64 = orders.try_get("n")?;
    let tz = crate::org::clock::time_zone(db).await?;
    let rates = crate::org::money::queries::rates(&mut conn, tz).await?;
    let mut last_year = Sql::new(
        "SELECT 0 AS owner, currency, placed_at AS at, amount_minor AS amount FROM orders
         WHERE customer_id = ",
    );
    last_year
        .bind(id)
        .push(" AND placed_at >= ")
        .bind(now - 365 * DAY_MS);
    let (_, revenue_12m) = sums::total(&mut conn, &rates, &last_year).await?;
    let revenue_12m_original = by_currency(&mut conn, &last_year).await?;
    let answers = sqlx::query(
        "SELECT received_at, score_type, score, assessment FROM feedback WHERE customer_id = $1
         ORDER BY received_at, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(AnswerPoint {
            received_at: r.try_get("received_at")?,
            score_type: r.try_get("score_type")?,
            score: r.try_get("score")?,
            assessment: r.try_get("assessment")?,
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    let mut actions = Sql::new(
        "SELECT a.incident_id AS owner, a.currency AS currency,
                COALESCE(a.decided_at, a.created_at) AS at, a.amount_minor AS amount
         FROM recovery_actions a JOIN incidents i ON i.id = a.incident_id
         WHERE a.status = 'applied' AND i.customer_id = ",
    );
    actions.bind(id);
    let spend = sums::by_owner(&mut conn, &rates, &actions).await?;
    let incidents = sqlx::query(
        "SELECT i.id, c.name AS category, i.proactive, i.detected_at, i.resolved_at
         FROM incidents i JOIN incident_categories c ON c.id = i.category_id
         WHERE i.customer_id = $1 ORDER BY i.detected_at",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let detected: i64 = r.try_get("detected_at")?;
        let resolved: Option<i64> = r.try_get("resolved_at")?;
        let id: i64 = r.try_get("id")?;
        let spent = spend.get(&id).map(|(_, t)| t.clone()).unwrap_or_default();
        Ok(RecoveryRow {
            id,
            category: r.try_get("category")?,
            proactive: r.try_get::<i64, _>("proactive")? == 1,
            detected_at: detected,
            resolved_at: resolved,
            hours_to_recover: resolved
                .map(|t| ((t - detected) as f64 / 3_600_000.0 * 10.0).round() / 10.0),
            spend_minor: spent.minor,
            unrated_amounts: spent.unrated.values().sum(),
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    let stories = sqlx::query(
        "SELECT id, title FROM stories WHERE customer_id = $1 ORDER BY occurred_on DESC",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("title")?)))
    .collect::<Result<Vec<_>, AppError>>()?;
    // Revenue staff recorded for prospects they referred, and the orders of referred customers.
    let mut prospects = Sql::new(
        "SELECT 0 AS owner, currency, occurred_at AS at, revenue_minor AS amount FROM referrals
         WHERE referred_customer_id IS NULL AND referrer_id = ",
    );
    prospects.bind(id);
    let mut referred = Sql::new(
        "SELECT 0 AS owner, o.currency AS currency, o.placed_at AS at, o.amount_minor AS amount
         FROM referrals f JOIN orders o ON o.customer_id = f.referred_customer_id
         WHERE f.referrer_id = ",
    );
    referred.bind(id);
    let (_, mut referral_revenue) = sums::total(&mut conn, &rates, &prospects).await?;
    referral_revenue.merge(&sums::total(&mut conn, &rates, &referred).await?.1);
    let return_on_recovery = super::recovery_return::figures(
        &mut conn,
        &rates,
        super::recovery_return::Scope::customer(id),
        now,
    )
    .await?;
    LoyaltyProfile {
        customer_id: id,
        external_ref: c.external_ref,
        name: c.name,
        score: scored.score,
        segment: scored.segment,
        score_parts: scored.parts,
        tenure_days: (now - c.created_at).max(0) / DAY_MS,
        currency: rates.currency.clone(),
        orders_total,
        orders_12m: orders.try_get("n_12m")?,
        revenue_12m_minor: revenue_12m.minor,
        revenue_12m_original,
        revenue_12m_unrated: revenue_12m.unrated.values().sum(),
        repeat_rate: (orders_total > 0).then(|| (orders_total - 1) as f64 / orders_total as f64),
        last_order_at: orders.try_get("last_at")?,
        answers,
        open_follow_ups: count(
            &mut conn,
            "SELECT COUNT(*) FROM follow_ups WHERE customer_id = $1 AND status = 'open'",
            id,
        )
        .await?,
        incidents,
        stories,
        referrals_made: count(
            &mut conn,
            "SELECT COUNT(*) FROM referrals WHERE referrer_id = $1",
            id,
        )
        .await?,
        referrals_converted: count(
            &mut conn,
            "SELECT COUNT(*) FROM referrals WHERE referrer_id = $1 AND converted = 1",
            id,
        )
        .await?,
        referral_revenue_minor: referral_revenue.minor,
        referral_revenue_unrated: referral_revenue.unrated.values().sum(),
        audience_reached: count(
            &mut conn,
            "SELECT CAST(COALESCE(SUM(audience), 0) AS BIGINT) FROM advocacy_events WHERE customer_id = $1",
            id,
        )
        .await?,
        return_on_recovery,
        timeline: Vec::new(),
        referrals: super::advocacy::referrals_of(&mut conn, &rates, id).await?,
        posts: super::advocacy::posts_of(db, id).await?,
    }
    .with_timeline(db)
    .await
}

impl LoyaltyProfile {
    /// Fills the timeline from the profile's records and the latest orders.
    async fn with_timeline(mut self, db: &Db) -> Result<Self, AppError> {
        use super::TimelineItem;
        let money = |minor: i64| {
            crate::common::money::Money {
                minor,
                currency: self.currency.clone(),
            }
            .display()
        };
        let item = |at: i64, kind: &str, text: String, href: Option<String>| TimelineItem {
            at,
            kind: kind.into(),
            text,
            href,
        };
        let mut t = Vec::new();
        let orders = sqlx::query(
            "SELECT external_id, amount_minor, currency, placed_at FROM orders WHERE customer_id = $1
             ORDER BY placed_at DESC LIMIT 50",
        )
        .bind(self.customer_id)
        .fetch_all(db)
        .await?;
        for o in &orders {
            let amount = Money {
                minor: o.try_get("amount_minor")?,
                currency: o.try_get("currency")?,
            };
            let reference: String = o.try_get("external_id")?;
            t.push(item(
                o.try_get("placed_at")?,
                "order",
                format!("Order {reference}: {}", amount.display()),
                None,
            ));
        }
        for a in &self.answers {
            t.push(item(
                a.received_at,
                "answer",
                format!(
                    "Answered {} {} ({})",
                    a.score_type.to_uppercase(),
                    a.score,
                    a.assessment
                ),
                None,
            ));
        }
        for i in &self.incidents {
            let href = Some(format!("/incidents/{}", i.id));
            let how = if i.proactive {
                "noticed by us"
            } else {
                "reported"
            };
            t.push(item(
                i.detected_at,
                "incident",
                format!("Incident #{} {}: {how}", i.id, i.category),
                href.clone(),
            ));
            if let Some(at) = i.resolved_at {
                t.push(item(
                    at,
                    "recovered",
                    format!(
                        "Incident #{} put right, {} spent",
                        i.id,
                        money(i.spend_minor)
                    ),
                    href,
                ));
            }
        }
        for f in &self.referrals {
            t.push(item(
                f.occurred_at,
                "referral",
                format!("Referred {}", f.who),
                f.referred_customer_id.map(|c| format!("/customers/{c}")),
            ));
        }
        for p in &self.posts {
            t.push(item(
                p.occurred_at,
                "post",
                format!(
                    "{} on {} ({}, reached {})",
                    p.kind, p.platform, p.sentiment, p.audience
                ),
                p.url.clone(),
            ));
        }
        let stories =
            sqlx::query("SELECT id, title, created_at FROM stories WHERE customer_id = $1")
                .bind(self.customer_id)
                .fetch_all(db)
                .await?;
        for s in &stories {
            let id: i64 = s.try_get("id")?;
            let title: String = s.try_get("title")?;
            t.push(item(
                s.try_get("created_at")?,
                "story",
                format!("Story: {title}"),
                Some(format!("/stories/{id}")),
            ));
        }
        t.sort_by_key(|e| std::cmp::Reverse(e.at));
        self.timeline = t;
        Ok(self)
    }
}
