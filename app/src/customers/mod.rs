//! Customers: contact details, segment, referral code. Later capabilities hang incidents,
//! feedback, stories and the loyalty profile off the customer page.
pub mod api;
#[cfg(feature = "ssr")]
pub mod bulk;
pub mod fields;
pub mod picker;
#[cfg(feature = "ssr")]
pub mod queries;
#[cfg(feature = "ssr")]
pub mod referrals;
#[cfg(feature = "ssr")]
pub mod request;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Customer {
    pub id: i64,
    pub external_ref: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub segment: String,
    pub referral_code: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// The stored loyalty score (0–100) and segment; see `loyalty::score`.
    #[serde(default)]
    pub loyalty_score: Option<i64>,
    #[serde(default)]
    pub loyalty_segment: Option<String>,
}

/// A customer with what the customer page shows about portal access.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub customer: Customer,
    /// The earliest of the record, the first order and the first answer.
    #[serde(default)]
    pub customer_since: i64,
    pub has_portal_login: bool,
    pub pending_invitation_expires_at: Option<i64>,
}

/// One page of the customers list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerPage {
    pub items: Vec<Customer>,
    /// How many match, counted up to 1,000 past the page's first row: when `total_capped` is
    /// true, more than `total` match.
    pub total: i64,
    /// True when the count stopped at its cap, so more than `total` match.
    #[serde(default)]
    pub total_capped: bool,
    pub page: i64,
    pub per_page: i64,
}

/// How the customers list is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum CustomerSort {
    #[default]
    Name,
    NameDesc,
    Newest,
    Oldest,
    ScoreDesc,
    ScoreAsc,
}

impl CustomerSort {
    pub const ALL: [CustomerSort; 6] = [
        Self::Name,
        Self::NameDesc,
        Self::Newest,
        Self::Oldest,
        Self::ScoreDesc,
        Self::ScoreAsc,
    ];

    pub fn parse(input: &str) -> Self {
        match input {
            "name_desc" => Self::NameDesc,
            "newest" => Self::Newest,
            "oldest" => Self::Oldest,
            "score_desc" => Self::ScoreDesc,
            "score_asc" => Self::ScoreAsc,
            _ => Self::Name,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::NameDesc => "name_desc",
            Self::Newest => "newest",
            Self::Oldest => "oldest",
            Self::ScoreDesc => "score_desc",
            Self::ScoreAsc => "score_asc",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "Name A–Z",
            Self::NameDesc => "Name Z–A",
            Self::Newest => "Newest first",
            Self::Oldest => "Oldest first",
            Self::ScoreDesc => "Highest loyalty first",
            Self::ScoreAsc => "Lowest loyalty first",
        }
    }
}
