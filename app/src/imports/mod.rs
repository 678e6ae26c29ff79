//! CSV imports of customers and orders from the UI: a file is checked line by line when
//! uploaded (nothing stored), then imported whole in one transaction in the background while
//! the page shows progress. The rows go through the same checks and writes as the JSON API.
pub mod api;
#[cfg(feature = "ssr")]
pub mod check;
pub mod csv;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod progress;
#[cfg(feature = "ssr")]
pub mod run;
#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};

/// Per-line errors kept with an import; the report says when there were more.
pub const MAX_KEPT_ERRORS: usize = 20_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportKind {
    Customers,
    Orders,
}

impl ImportKind {
    pub fn parse(value: &str) -> Result<Self, String> {
        match value.trim() {
            "customers" => Ok(Self::Customers),
            "orders" => Ok(Self::Orders),
            _ => Err("Choose what the file holds: customers or orders.".into()),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customers => "customers",
            Self::Orders => "orders",
        }
    }

    /// The columns a file must have, then the ones it may have.
    pub fn columns(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Self::Customers => (
                &["external_ref", "name"],
                &["email", "phone", "segment", "referred_by_code"],
            ),
            Self::Orders => (
                &["external_id", "customer", "amount", "currency", "placed_at"],
                &[],
            ),
        }
    }

    /// A two-line example file.
    pub fn example(self) -> &'static str {
        match self {
            Self::Customers => {
                "external_ref,name,email,phone,segment,referred_by_code\n\
                 c-1001,Dana Reyes,dana@example.com,,retail,"
            }
            Self::Orders => {
                "external_id,customer,amount,currency,placed_at\n\
                 o-778,c-1001,42.50,USD,2026-10-02T15:30:00Z"
            }
        }
    }
}

/// Where an import stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportStatus {
    /// Every line passed the checks; waiting for the person to confirm.
    Ready,
    /// The file or some lines cannot be imported; nothing will be.
    Refused,
    Running,
    Done,
    /// The import met a problem only the database could see, or failed; nothing was stored.
    Failed,
}

impl ImportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::Refused => "refused",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "ready" => Self::Ready,
            "refused" => Self::Refused,
            "running" => Self::Running,
            "done" => Self::Done,
            "failed" => Self::Failed,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Ready => "Checked, ready to import",
            Self::Refused => "Refused",
            Self::Running => "Importing",
            Self::Done => "Imported",
            Self::Failed => "Failed, nothing imported",
        }
    }
}

/// A problem with one line of a file (line 1 is the header).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineError {
    pub line: usize,
    pub field: String,
    pub message: String,
}

/// One import as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportView {
    pub id: i64,
    pub kind: ImportKind,
    pub file_name: String,
    pub status: ImportStatus,
    pub rows: i64,
    /// Rows written so far while running.
    pub done: i64,
    /// What the running import is doing ("Writing rows", "Updating loyalty scores").
    pub phase: Option<String>,
    /// Why the whole file was refused or the import failed.
    pub message: Option<String>,
    pub error_count: i64,
    /// The first errors; the CSV report has all that were kept.
    pub errors: Vec<LineError>,
    pub header: Vec<String>,
    /// The first rows of the file as read.
    pub preview: Vec<Vec<String>>,
    /// What the import did ("98 stored, 2 already there").
    pub summary: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

/// One line of the recent imports list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    pub id: i64,
    pub kind: ImportKind,
    pub file_name: String,
    pub status: ImportStatus,
    pub rows: i64,
    pub created_by: String,
    pub created_at: i64,
}
