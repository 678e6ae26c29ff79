//! Loyalty: what customers did after we served them (orders, referrals, posts), the derived
//! profile and score, and the return on recovery. Wire types live here.
#[cfg(feature = "ssr")]
pub mod advocacy;
pub mod api;
pub mod invite;
#[cfg(feature = "ssr")]
pub mod order_request;
#[cfg(feature = "ssr")]
pub mod orders;
pub mod overview;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod queries;
#[cfg(feature = "ssr")]
pub mod recovery_return;
pub mod referral_revenue;
pub mod referral_revenue_page;
#[cfg(feature = "ssr")]
pub mod referrals;
pub mod word_of_mouth;
pub mod word_of_mouth_page;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use crate::standing::Segment;

/// One answer on the customer's score history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AnswerPoint {
    pub received_at: i64,
    pub score_type: String,
    pub score: i64,
    pub assessment: String,
}

/// An incident with how fast it was recovered and what the recovery cost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecoveryRow {
    pub id: i64,
    pub category: String,
    pub proactive: bool,
    pub detected_at: i64,
    pub resolved_at: Option<i64>,
    pub hours_to_recover: Option<f64>,
    /// Applied refunds, credits and reshipments in the organisation currency.
    pub spend_minor: i64,
    /// Amounts left out of `spend_minor` for want of a rate.
    #[serde(default)]
    pub unrated_amounts: i64,
}

/// What followed a customer's recoveries within the window, against what they cost.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecoveryReturn {
    pub window_days: i64,
    /// Incidents with money applied to put them right.
    pub recoveries: i64,
    pub customers: i64,
    pub spend_minor: i64,
    /// Recoveries whose window has not ended yet: their figures can still grow.
    pub open_windows: i64,
    /// Orders placed within the window after a recovery: coincident in time, not proven caused.
    pub revenue_after_minor: i64,
    pub orders_after: i64,
    /// The same customers' orders in the same length of time before their recoveries: the
    /// baseline to read the "after" figure against.
    pub revenue_before_minor: i64,
    /// Revenue of customers they referred within the window after a recovery (coincident).
    pub referral_revenue_after_minor: i64,
    /// Referrals and posts staff explicitly attributed to one of these recoveries.
    pub attributed_referrals: i64,
    pub attributed_posts: i64,
    pub attributed_audience: i64,
    /// Amounts left out of a money figure for want of a rate: figure ("spend",
    /// "revenue_after", "revenue_before", "referral_revenue_after") → currency → how many.
    #[serde(default)]
    pub unrated: BTreeMap<String, BTreeMap<String, i64>>,
}

impl RecoveryReturn {
    /// How many amounts each currency had left out, across the money figures.
    pub fn unrated_by_currency(&self) -> BTreeMap<String, i64> {
        let mut all = BTreeMap::new();
        for per in self.unrated.values() {
            for (c, n) in per {
                *all.entry(c.clone()).or_default() += n;
            }
        }
        all
    }
}

/// One recovery behind the return-on-recovery figures, with what followed its own window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecoveryRecord {
    pub incident_id: i64,
    pub customer_id: i64,
    pub customer: String,
    pub category: String,
    pub proactive: bool,
    /// When it was resolved (or detected, while still open).
    pub at: i64,
    pub spend_minor: i64,
    pub orders_after: i64,
    pub revenue_after_minor: i64,
    pub referral_revenue_after_minor: i64,
    pub attributed_referrals: i64,
    pub attributed_posts: i64,
    pub window_open: bool,
    /// Amounts in the figures above left out for want of an exchange rate.
    #[serde(default)]
    pub unrated_amounts: i64,
}

/// Return on recovery for a period and scope, with one page of the recoveries behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecoveryOverview {
    /// "90d", "12m" or "all" (ending now), or an ISO week: the 52 weeks ending with it.
    pub period: String,
    /// The figures of every recovery in the period and scope (money in `currency`).
    pub figures: RecoveryReturn,
    pub currency: String,
    /// One page of those recoveries, latest first.
    pub items: Vec<RecoveryRecord>,
    /// How many recoveries: `figures.recoveries`.
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
}

/// A referral the customer made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReferralRow {
    pub id: i64,
    pub referred_customer_id: Option<i64>,
    /// The referred customer's or prospect's name.
    pub who: String,
    pub converted: bool,
    /// "link", "api" or "staff".
    pub source: String,
    pub incident_id: Option<i64>,
    pub story_id: Option<i64>,
    pub occurred_at: i64,
    /// The referred customer's order revenue, or what staff recorded for a prospect, in the
    /// organisation currency.
    pub revenue_minor: i64,
    /// Amounts left out of `revenue_minor` for want of a rate.
    pub revenue_unrated: i64,
}

/// A review, post or testimonial by the customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PostRow {
    pub id: i64,
    pub kind: String,
    pub platform: String,
    pub url: Option<String>,
    pub audience: i64,
    pub sentiment: String,
    pub occurred_at: i64,
    pub incident_id: Option<i64>,
    pub story_id: Option<i64>,
}

/// One thing that happened with the customer, for the profile's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TimelineItem {
    pub at: i64,
    /// "order", "answer", "incident", "recovered", "story", "referral" or "post".
    pub kind: String,
    pub text: String,
    /// The page of the record behind it, when it has one.
    pub href: Option<String>,
}

/// The derived loyalty profile of one customer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LoyaltyProfile {
    pub customer_id: i64,
    pub external_ref: Option<String>,
    pub name: String,
    pub score: i64,
    pub segment: Segment,
    /// How the score was made: (part, points).
    pub score_parts: Vec<(String, i64)>,
    pub tenure_days: i64,
    pub currency: String,
    pub orders_total: i64,
    pub orders_12m: i64,
    /// In the organisation currency (`currency`), each order converted at its date's rate.
    pub revenue_12m_minor: i64,
    /// The same orders as recorded, added up per currency.
    #[serde(default)]
    pub revenue_12m_original: Vec<crate::common::money::Money>,
    /// Of them, orders left out of `revenue_12m_minor` for want of a rate.
    #[serde(default)]
    pub revenue_12m_unrated: i64,
    /// Share of orders that were repeat purchases (all but the first), 0–1.
    pub repeat_rate: Option<f64>,
    pub last_order_at: Option<i64>,
    pub answers: Vec<AnswerPoint>,
    pub open_follow_ups: i64,
    pub incidents: Vec<RecoveryRow>,
    pub stories: Vec<(i64, String)>,
    pub referrals_made: i64,
    pub referrals_converted: i64,
    pub referral_revenue_minor: i64,
    /// Amounts left out of `referral_revenue_minor` for want of a rate.
    #[serde(default)]
    pub referral_revenue_unrated: i64,
    pub audience_reached: i64,
    pub return_on_recovery: RecoveryReturn,
    pub referrals: Vec<ReferralRow>,
    pub posts: Vec<PostRow>,
    /// Everything above in time order, newest first (orders: the latest 50).
    pub timeline: Vec<TimelineItem>,
}
