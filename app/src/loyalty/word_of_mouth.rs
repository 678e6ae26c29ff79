//! The organisation's referrals and posts as lists, filtered as the weekly report's advocacy
//! figures count them: by the week they happened, converted or not, and by owner (the assignee
//! of the incident they are attributed to, else the associate of the story).
use serde::{Deserialize, Serialize};

/// A referral in the organisation's list.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralItem {
    pub id: i64,
    pub referrer_id: i64,
    pub referrer_name: String,
    /// The referred customer, once they are one.
    pub referred_customer_id: Option<i64>,
    /// The referred customer's or prospect's name.
    pub who: String,
    pub converted: bool,
    /// "link", "api" or "staff".
    pub source: String,
    pub incident_id: Option<i64>,
    pub story_id: Option<i64>,
    pub occurred_at: i64,
    /// What staff recorded for a prospect, in `currency` (a referred customer's revenue is
    /// their orders, on their page).
    pub prospect_revenue_minor: Option<i64>,
    pub currency: String,
}

/// A review, post or testimonial in the organisation's list.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostItem {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub kind: String,
    pub platform: String,
    pub url: Option<String>,
    pub audience: i64,
    pub sentiment: String,
    pub occurred_at: i64,
    pub incident_id: Option<i64>,
    pub story_id: Option<i64>,
}

/// One page of a list and how many match.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    /// How many match, counted up to 1,000 past the page's first row: when `total_capped` is
    /// true, more than `total` match.
    pub total: i64,
    pub total_capped: bool,
    pub page: i64,
    pub page_size: i64,
}

pub type ReferralPage = ListPage<ReferralItem>;
pub type PostPage = ListPage<PostItem>;

#[cfg(feature = "ssr")]
pub use queries::*;

#[cfg(feature = "ssr")]
mod queries {
    use super::*;
    use crate::db::{Db, Sql};
    use crate::error::AppError;
    use sqlx::any::AnyRow;
    use sqlx::Row;

    pub const PAGE_SIZE: i64 = 25;

    /// The filters of both lists as their page URLs (and the API) carry them: every one text,
    /// "" meaning any.
    #[derive(Clone, Debug, Default, Deserialize)]
    #[serde(default)]
    pub struct WordOfMouthQuery {
        pub week: String,
        pub converted: String,
        pub assignee: String,
        pub team: String,
        /// Referral revenue only: amounts in this currency (ISO 4217).
        pub currency: String,
        pub page: Option<i64>,
    }

    #[derive(Clone, Debug, Default)]
    pub struct WordOfMouthFilter {
        /// [start, end) of an ISO week, on when it happened.
        pub week: Option<(i64, i64)>,
        /// Referrals only: those that converted.
        pub converted: bool,
        pub assignee_id: Option<i64>,
        /// Owned by a current member of this team.
        pub team_id: Option<i64>,
        pub currency: Option<String>,
        pub page: i64,
    }

    impl WordOfMouthQuery {
        /// The filter it names, or the first field that is not valid.
        pub async fn filter(self, db: &Db) -> Result<WordOfMouthFilter, AppError> {
            let tz = crate::org::clock::time_zone(db).await?;
            Ok(WordOfMouthFilter {
                week: crate::org::clock::optional_week(tz, &self.week)
                    .map_err(|m| AppError::field("week", m))?,
                converted: AppError::optional_flag(&self.converted, "converted")?,
                assignee_id: AppError::optional_id(&self.assignee, "assignee")?,
                team_id: AppError::optional_id(&self.team, "team")?,
                currency: crate::common::money::optional_currency(&self.currency)
                    .map_err(|m| AppError::field("currency", m))?,
                page: self.page.unwrap_or(1),
            })
        }
    }

    /// Who owns a referral or post `x`, as the weekly figures count it.
    const OWNER: &str =
        "COALESCE((SELECT i.assignee_id FROM incidents i WHERE i.id = x.incident_id),
        (SELECT s.associate_id FROM stories s WHERE s.id = x.story_id))";

    impl WordOfMouthFilter {
        fn narrow(&self, q: &mut Sql) {
            if let Some((from, to)) = self.week {
                q.and()
                    .push("x.occurred_at >= ")
                    .bind(from)
                    .push(" AND x.occurred_at < ")
                    .bind(to);
            }
            crate::org::scope::StaffScope::owned_by(q, OWNER, self.assignee_id, self.team_id);
        }

        /// A page of `select` (rows `x`) narrowed by the filter, newest first, and the total.
        pub(in crate::loyalty) async fn page<T>(
            &self,
            db: &Db,
            (count, select): (&'static str, &'static str),
            extra: impl Fn(&mut Sql),
            row: fn(&AnyRow) -> Result<T, AppError>,
        ) -> Result<ListPage<T>, AppError> {
            let page = crate::db::page_number(self.page)?;
            let mut counting = Sql::new(count);
            self.narrow(&mut counting);
            extra(&mut counting);
            let (total, total_capped) =
                crate::db::capped_total(db, counting, page, PAGE_SIZE).await?;
            let mut q = Sql::new(select);
            self.narrow(&mut q);
            extra(&mut q);
            q.push(" ORDER BY x.occurred_at DESC, x.id DESC LIMIT ")
                .bind(PAGE_SIZE)
                .push(" OFFSET ")
                .bind((page - 1) * PAGE_SIZE);
            let items = q
                .query()
                .fetch_all(db)
                .await?
                .iter()
                .map(row)
                .collect::<Result<_, _>>()?;
            Ok(ListPage {
                items,
                total,
                total_capped,
                page,
                page_size: PAGE_SIZE,
            })
        }
    }

    pub async fn referrals(db: &Db, f: &WordOfMouthFilter) -> Result<ReferralPage, AppError> {
        let converted = f.converted;
        f.page(
            db,
            (
                "SELECT 1 FROM referrals x",
                "SELECT x.id, x.referrer_id, r.name AS referrer_name, x.referred_customer_id,
                        COALESCE(c.name, x.prospect_name, '') AS who, x.converted, x.source,
                        x.incident_id, x.story_id, x.occurred_at, x.revenue_minor, x.currency
                 FROM referrals x JOIN customers r ON r.id = x.referrer_id
                 LEFT JOIN customers c ON c.id = x.referred_customer_id",
            ),
            move |q| {
                if converted {
                    q.and().push("x.converted = 1");
                }
            },
            |r| {
                let referred: Option<i64> = r.try_get("referred_customer_id")?;
                Ok(ReferralItem {
                    id: r.try_get("id")?,
                    referrer_id: r.try_get("referrer_id")?,
                    referrer_name: r.try_get("referrer_name")?,
                    referred_customer_id: referred,
                    who: r.try_get("who")?,
                    converted: r.try_get::<i64, _>("converted")? == 1,
                    source: r.try_get("source")?,
                    incident_id: r.try_get("incident_id")?,
                    story_id: r.try_get("story_id")?,
                    occurred_at: r.try_get("occurred_at")?,
                    prospect_revenue_minor: match referred {
                        None => Some(r.try_get("revenue_minor")?),
                        Some(_) => None,
                    },
                    currency: r.try_get("currency")?,
                })
            },
        )
        .await
    }

    pub async fn posts(db: &Db, f: &WordOfMouthFilter) -> Result<PostPage, AppError> {
        f.page(
            db,
            (
                "SELECT 1 FROM advocacy_events x",
                "SELECT x.id, x.customer_id, c.name AS customer_name, x.kind, x.platform, x.url,
                        x.audience, x.sentiment, x.occurred_at, x.incident_id, x.story_id
                 FROM advocacy_events x JOIN customers c ON c.id = x.customer_id",
            ),
            |_| {},
            |r| {
                Ok(PostItem {
                    id: r.try_get("id")?,
                    customer_id: r.try_get("customer_id")?,
                    customer_name: r.try_get("customer_name")?,
                    kind: r.try_get("kind")?,
                    platform: r.try_get("platform")?,
                    url: r.try_get("url")?,
                    audience: r.try_get("audience")?,
                    sentiment: r.try_get("sentiment")?,
                    occurred_at: r.try_get("occurred_at")?,
                    incident_id: r.try_get("incident_id")?,
                    story_id: r.try_get("story_id")?,
                })
            },
        )
        .await
    }
}
