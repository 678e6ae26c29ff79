//! Themes: what customers are talking about, found in the text of feedback comments, what
//! customers said on follow-ups and incident descriptions, on this machine and without a model
//! download. Comments are reduced to folded words and key phrases (`text`, with the service
//! `lexicon`) and grouped by the phrases they share (`grouping`); every membership names the
//! words that put a comment in its theme. Themes are kept (`store`) as the phrases that place a
//! text in them, so they keep their ids and staff choices (renames, merges, split-off phrases)
//! apply to every text read afterwards; texts no known phrase places are grouped into new ones.
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod alerts;
pub mod api;
#[cfg(feature = "ssr")]
pub mod assign;
#[cfg(feature = "ssr")]
pub mod grouping;
#[cfg(feature = "ssr")]
pub mod lexicon;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod period;
#[cfg(feature = "ssr")]
pub mod report;
#[cfg(feature = "ssr")]
pub mod rising;
#[cfg(feature = "ssr")]
pub mod sources;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod text;

#[cfg(test)]
mod quality;

/// How many texts a theme needs in a period, at least, to be rising.
pub const RISING_MIN: i64 = 3;
/// Rising: at least this many times the theme's usual volume over the four weeks before.
pub const RISING_FACTOR: f64 = 2.0;

/// An incident category the texts of a theme are linked to, and how many.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryCount {
    pub id: i64,
    pub name: String,
    pub count: i64,
}

/// One theme over a period: its volume and what the texts in it say about the customers.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThemeSummary {
    /// Stable: the same theme keeps its id from period to period.
    pub id: i64,
    pub name: String,
    /// The phrases that place a text in it, strongest first, as customers wrote them.
    pub phrases: Vec<String>,
    /// Texts in the theme in the period (feedback comments, follow-up notes, incidents).
    pub count: i64,
    /// Texts in the theme in the period of the same length just before.
    pub previous_count: i64,
    /// Texts in the theme in the four weeks before the period, scaled to the period's length:
    /// its usual volume.
    pub usual_count: f64,
    /// Volume at least `RISING_FACTOR` times the usual, and at least `RISING_MIN` texts.
    pub rising: bool,
    /// Feedback answers among the texts.
    pub answers: i64,
    /// Lukewarm answers ÷ answers in the theme, in % (as the weekly report's lukewarm share).
    pub lukewarm_share: Option<f64>,
    /// Unhappy answers ÷ answers in the theme, in %.
    pub unhappy_share: Option<f64>,
    /// NPS of the theme's NPS answers; none without any.
    pub nps: Option<i64>,
    /// CSAT (% of 4–5) of the theme's CSAT answers; none without any.
    pub csat: Option<f64>,
    /// The incident categories its texts are linked to, most first.
    pub categories: Vec<CategoryCount>,
    /// A few of its texts, as written.
    pub samples: Vec<String>,
    /// The feedback answers in it, as `POST /api/v1/feedback` returns their ids.
    pub comment_ids: Vec<i64>,
    /// The follow-ups whose "customer said" is in it.
    pub follow_up_ids: Vec<i64>,
    /// The incidents whose description is in it.
    pub incident_ids: Vec<i64>,
}

/// Something to choose by name: a team to narrow the themes to, a theme to merge into.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub name: String,
}

/// The themes of a period and scope, largest first.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThemeList {
    /// The first and last day of the period (both included), in the organisation's time zone.
    pub from: String,
    pub to: String,
    pub team: Option<i64>,
    pub themes: Vec<ThemeSummary>,
    /// Texts read in the period, and those no theme holds.
    pub texts: i64,
    pub unthemed: i64,
    /// Teams to choose from.
    pub teams: Vec<Choice>,
}

/// A text in a theme, with the words of it that put it there.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeText {
    /// `feedback`, `follow_up` or `incident`.
    pub kind: String,
    pub id: i64,
    /// When it was received, closed (follow-ups) or detected (incidents).
    pub at: i64,
    pub text: String,
    pub because: Vec<String>,
    pub customer_id: i64,
    pub customer_name: String,
    /// For feedback: `nps`, `csat` or `ces`, the score and how it was assessed.
    pub score_type: Option<String>,
    pub score: Option<i64>,
    pub assessment: Option<String>,
    /// The incident category it is linked to.
    pub category: Option<String>,
    /// Where the record is in the app.
    pub link: String,
}

/// A phrase of a theme: its stored key and how customers wrote it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemePhrase {
    pub key: String,
    pub shown: String,
}

/// A theme as kept.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeInfo {
    pub id: i64,
    pub name: String,
    pub named_by_staff: bool,
    pub phrases: Vec<ThemePhrase>,
}

/// One page of a theme's texts in a period.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThemeComments {
    pub theme: ThemeInfo,
    pub from: String,
    pub to: String,
    pub team: Option<i64>,
    /// The filter in force: `kind`, `assessment`, `category` as asked.
    pub kind: Option<String>,
    pub assessment: Option<String>,
    pub category: Option<i64>,
    pub items: Vec<ThemeText>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
    /// Other themes, to merge this one into.
    pub others: Vec<Choice>,
}
