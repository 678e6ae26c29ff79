//! The recovery playbook: which recoveries were followed by customers coming back. For each
//! incident category (and severity), recoveries are compared by what the customer did in the
//! 90 days after the first recovery action — ordered again, referred someone, posted, answered
//! the next NPS survey as a promoter — broken down by action kind, amount, time to first action
//! and proactive versus complained. Every cell shows its count and a 95% Wilson interval; cells
//! with too few cases are hidden. It is association in this organisation's history, not proof.
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod cases;
pub mod pages;
pub mod stats;

/// The days after a recovery in which what the customer did counts.
pub const WINDOW_DAYS: i64 = 90;
/// Cells with fewer cases show their count only.
pub const MIN_CASES: i64 = 10;
/// How far back incidents are read, in days before the newest that can be judged.
pub const HISTORY_DAYS: i64 = 730;

/// How often one outcome followed the cases of a cell.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutcomeCell {
    /// `ordered_again`, `referred`, `posted` or `promoter`.
    pub outcome: String,
    /// Cases followed by the outcome, of `of` cases (for `promoter`: of the cases whose customer
    /// answered an NPS survey in the window).
    pub count: i64,
    pub of: i64,
    /// count ÷ of, and its 95% Wilson interval, as fractions; none when `of` is below the
    /// small-cell threshold.
    pub rate: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// One row of a breakdown: the cases of one approach and what followed them.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaybookRow {
    /// e.g. `credit`, `under_hour`, `credit:under_hour`.
    pub key: String,
    pub label: String,
    pub cases: i64,
    /// Too few cases to show rates.
    pub hidden: bool,
    pub outcomes: Vec<OutcomeCell>,
    /// For an approach: the action kind to take (none for "no action").
    pub kind: Option<String>,
    /// For an approach: the median money applied, in the organisation currency's minor units.
    pub typical_amount_minor: Option<i64>,
    /// The incidents counted, newest first (at most 200).
    pub incident_ids: Vec<i64>,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaybookGroup {
    /// `action`, `amount`, `speed` or `origin`.
    pub key: String,
    pub label: String,
    pub rows: Vec<PlaybookRow>,
}

/// A category to choose.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryChoice {
    pub id: i64,
    pub name: String,
}

/// The playbook for a category (or all) and severity (or all).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Playbook {
    pub category: Option<CategoryChoice>,
    pub severity: Option<String>,
    /// The organisation currency of amounts.
    pub currency: String,
    pub window_days: i64,
    pub min_cases: i64,
    /// Incidents counted: detected in the two years before the newest whose window has ended.
    pub cases: i64,
    /// Incidents too recent to judge: their 90 days are not over.
    pub too_recent: i64,
    /// Every counted case together: what the rows compare with.
    pub baseline: PlaybookRow,
    pub groups: Vec<PlaybookGroup>,
    /// Action kind × time to first action, best first by the lower end of the repeat-order
    /// interval (hidden cells last).
    pub approaches: Vec<PlaybookRow>,
    pub categories: Vec<CategoryChoice>,
}
