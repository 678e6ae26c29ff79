//! The amounts behind a week's referral revenue, one row each: what staff recorded for a
//! referred prospect (on the day of the referral) and every order of a referred customer (on
//! the day it was placed), attributed like the referral. Each carries its amount in its own
//! currency and converted at the rate of its day, so the figure can be added up from its rows.
use serde::{Deserialize, Serialize};

/// One amount counted in referral revenue.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevenueItem {
    pub referral_id: i64,
    /// The referred customer's order, or none for revenue recorded for a prospect.
    pub order_id: Option<i64>,
    pub referrer_id: i64,
    pub referrer_name: String,
    /// The referred customer, once they are one.
    pub referred_customer_id: Option<i64>,
    /// The referred customer's or prospect's name.
    pub who: String,
    /// When the order was placed, or the prospect referred.
    pub at: i64,
    pub amount_minor: i64,
    pub currency: String,
    /// The amount in the organisation currency at the rate of its day; none without a rate.
    pub converted_minor: Option<i64>,
    pub incident_id: Option<i64>,
    pub story_id: Option<i64>,
}

/// One page of amounts, how many match, and the organisation currency they are converted to.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevenuePage {
    pub items: Vec<RevenueItem>,
    /// How many match, counted up to 1,000 past the page's first row: when `total_capped` is
    /// true, more than `total` match.
    pub total: i64,
    pub total_capped: bool,
    pub page: i64,
    pub page_size: i64,
    /// The organisation currency of `converted_minor`.
    pub currency: String,
}

#[cfg(feature = "ssr")]
pub use queries::revenue;

#[cfg(feature = "ssr")]
mod queries {
    use super::*;
    use crate::db::Db;
    use crate::error::AppError;
    use crate::loyalty::word_of_mouth::WordOfMouthFilter;
    use sqlx::Row;

    /// Both kinds of amount as rows `x`, keyed by `id` (an order's id, a prospect's referral id
    /// negated) so the list's order is total.
    macro_rules! amounts {
        () => {
            "(SELECT -p.id AS id, p.id AS referral_id, NULL AS order_id, p.referrer_id,
                NULL AS customer_id, COALESCE(p.prospect_name, '') AS prospect, p.occurred_at,
                p.revenue_minor AS amount_minor, p.currency, p.incident_id, p.story_id
            FROM referrals p WHERE p.referred_customer_id IS NULL AND p.revenue_minor <> 0
            UNION ALL
            SELECT o.id, f.id, o.id, f.referrer_id, f.referred_customer_id, '', o.placed_at,
                o.amount_minor, o.currency, f.incident_id, f.story_id
            FROM referrals f JOIN orders o ON o.customer_id = f.referred_customer_id
            WHERE o.amount_minor <> 0) x"
        };
    }

    pub async fn revenue(db: &Db, f: &WordOfMouthFilter) -> Result<RevenuePage, AppError> {
        let count = concat!("SELECT 1 FROM ", amounts!());
        let select = concat!(
            "SELECT x.id, x.referral_id, x.order_id, x.referrer_id, r.name AS referrer_name,
                    x.customer_id, COALESCE(c.name, x.prospect) AS who, x.occurred_at,
                    x.amount_minor, x.currency, x.incident_id, x.story_id
             FROM ",
            amounts!(),
            " JOIN customers r ON r.id = x.referrer_id LEFT JOIN customers c ON c.id = x.customer_id"
        );
        let currency = f.currency.clone();
        let page = f
            .page(
                db,
                (count, select),
                move |q| {
                    if let Some(c) = &currency {
                        q.and().push("x.currency = ").bind(c.clone());
                    }
                },
                |r| {
                    Ok(RevenueItem {
                        referral_id: r.try_get("referral_id")?,
                        order_id: r.try_get("order_id")?,
                        referrer_id: r.try_get("referrer_id")?,
                        referrer_name: r.try_get("referrer_name")?,
                        referred_customer_id: r.try_get("customer_id")?,
                        who: r.try_get("who")?,
                        at: r.try_get("occurred_at")?,
                        amount_minor: r.try_get("amount_minor")?,
                        currency: r.try_get("currency")?,
                        converted_minor: None,
                        incident_id: r.try_get("incident_id")?,
                        story_id: r.try_get("story_id")?,
                    })
                },
            )
            .await?;
        let tz = crate::org::clock::time_zone(db).await?;
        let mut conn = db.acquire().await?;
        let rates = crate::org::money::queries::rates(&mut conn, tz).await?;
        let mut items = page.items;
        for item in &mut items {
            item.converted_minor = rates.convert(&item.currency, item.at, item.amount_minor);
        }
        Ok(RevenuePage {
            items,
            total: page.total,
            total_capped: page.total_capped,
            page: page.page,
            page_size: page.page_size,
            currency: rates.currency.clone(),
        })
    }
}
