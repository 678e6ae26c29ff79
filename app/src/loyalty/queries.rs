//! The loyalty profile the customer page and the API show.
use super::{AnswerPoint, LoyaltyProfile, RecoveryRow};
use crate::db::Db;
use crate::error::AppError;
use crate::standing::recompute::inputs;
use crate::standing::score::score;
use sqlx::{AnyConnection, Row};

const DAY_MS: i64 = 86_400_000;

async fn count(conn: &mut AnyConnection, sql: &'static str, id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(sql).bind(id).fetch_one(conn).await?)
}

/// One customer's loyalty profile as of `now`.
pub async fn profile(db: &Db, id: i64, now: i64) -> Result<LoyaltyProfile, AppError> {
    let mut conn = db.acquire().await?;
    let c = crate::customers::queries::find(db, id).await?;
    let scored = score(&inputs(&mut conn, id, now).await?);
    let orders = sqlx::query(
        "SELECT COUNT(*) AS n, MAX(placed_at) AS last_at,
                CAST(COALESCE(SUM(CASE WHEN placed_at >= $2 THEN amount_minor ELSE 0 END), 0) AS BIGINT) AS revenue_12m,
                CAST(COALESCE(SUM(CASE WHEN placed_at >= $2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS n_12m
         FROM orders WHERE customer_id = $1",
    )
    .bind(id)
    .bind(now - 365 * DAY_MS)
    .fetch_one(&mut *conn)
    .await?;
    let orders_total: i64 = orders.try_get("n")?;
    let currency: Option<String> = sqlx::query_scalar(
        "SELECT currency FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
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
    let incidents = sqlx::query(
        "SELECT i.id, c.name AS category, i.proactive, i.detected_at, i.resolved_at,
                (SELECT CAST(COALESCE(SUM(a.amount_minor), 0) AS BIGINT) FROM recovery_actions a
                  WHERE a.incident_id = i.id AND a.status = 'applied') AS spend
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
        Ok(RecoveryRow {
            id: r.try_get("id")?,
            category: r.try_get("category")?,
            proactive: r.try_get::<i64, _>("proactive")? == 1,
            detected_at: detected,
            resolved_at: resolved,
            hours_to_recover: resolved
                .map(|t| ((t - detected) as f64 / 3_600_000.0 * 10.0).round() / 10.0),
            spend_minor: r.try_get("spend")?,
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
    let referral_revenue: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(CASE WHEN f.referred_customer_id IS NULL THEN f.revenue_minor
                 ELSE (SELECT CAST(COALESCE(SUM(o.amount_minor), 0) AS BIGINT) FROM orders o WHERE o.customer_id = f.referred_customer_id) END), 0) AS BIGINT)
         FROM referrals f WHERE f.referrer_id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let return_on_recovery = super::recovery_return::figures(
        &mut conn,
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
        currency: currency.unwrap_or_else(|| "USD".into()),
        orders_total,
        orders_12m: orders.try_get("n_12m")?,
        revenue_12m_minor: orders.try_get("revenue_12m")?,
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
        referral_revenue_minor: referral_revenue,
        audience_reached: count(
            &mut conn,
            "SELECT CAST(COALESCE(SUM(audience), 0) AS BIGINT) FROM advocacy_events WHERE customer_id = $1",
            id,
        )
        .await?,
        return_on_recovery,
        timeline: Vec::new(),
        referrals: super::advocacy::referrals_of(db, id).await?,
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
            "SELECT external_id, amount_minor, placed_at FROM orders WHERE customer_id = $1
             ORDER BY placed_at DESC LIMIT 50",
        )
        .bind(self.customer_id)
        .fetch_all(db)
        .await?;
        for o in &orders {
            let amount: i64 = o.try_get("amount_minor")?;
            let reference: String = o.try_get("external_id")?;
            t.push(item(
                o.try_get("placed_at")?,
                "order",
                format!("Order {reference}: {}", money(amount)),
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
