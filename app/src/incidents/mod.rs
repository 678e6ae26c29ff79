//! Incidents: service failures that touched a customer, how they were recovered, and what the
//! customer was told. Wire types live here; queries in `queries`, server functions in `api`.
pub mod api;
#[cfg(feature = "ssr")]
pub mod changes;
pub mod escalation;
pub mod fields;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod queries;
pub mod settings;
pub mod sla;

use serde::{Deserialize, Serialize};

pub(crate) use crate::common::labels::labelled_enum;

labelled_enum!(
    /// How bad a failure is; service levels hang off it.
    Severity { Minor => "minor", "Minor", Major => "major", "Major", Critical => "critical", "Critical" }
);
labelled_enum!(
    /// How the incident came to light.
    Source { Complaint => "complaint", "Customer complaint", Staff => "staff", "Noticed by staff", Signal => "signal", "Detected from a signal" }
);
labelled_enum!(
    /// Where the incident is in its lifecycle: open → recovering → resolved (reopen allowed).
    Status { Open => "open", "Open", Recovering => "recovering", "Recovering", Resolved => "resolved", "Resolved" }
);
labelled_enum!(
    /// What was done to recover.
    ActionKind {
        Refund => "refund", "Refund",
        Credit => "credit", "Credit",
        Replacement => "replacement", "Replacement / reship",
        Apology => "apology", "Apology",
        Callback => "callback", "Call-back",
        Other => "other", "Other",
    }
);
labelled_enum!(
    /// Whether a recovery action took effect.
    ActionStatus { Applied => "applied", "Applied", Pending => "pending", "Waiting for approval", Declined => "declined", "Declined" }
);

impl ActionKind {
    /// Refunds and credits move money and can need a manager's approval.
    pub fn needs_approval_over_limit(self) -> bool {
        matches!(self, Self::Refund | Self::Credit)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub default_severity: Severity,
    pub active: bool,
}

/// A row of the incidents list.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentRow {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub category: String,
    pub severity: Severity,
    pub source: Source,
    pub status: Status,
    pub subject_ref: Option<String>,
    pub description: String,
    pub detected_at: i64,
    pub acknowledged_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub proactive: bool,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    /// Where the incident stands against its service level, computed when read.
    pub sla: sla::SlaState,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryAction {
    pub id: i64,
    pub incident_id: i64,
    pub kind: ActionKind,
    pub amount: crate::common::money::Money,
    pub status: ActionStatus,
    pub note: Option<String>,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_note: Option<String>,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    pub at: i64,
    pub actor: String,
    pub kind: String,
    pub message: String,
    pub internal: bool,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub id: i64,
    pub incident_id: i64,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    pub delivery: String,
}

/// A service signal that triggered or joined an incident.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentSignal {
    pub idempotency_key: String,
    pub kind: String,
    pub value: f64,
    pub unit: Option<String>,
    pub observed_at: i64,
}

/// Everything the incident page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentDetail {
    pub incident: IncidentRow,
    pub occurred_at: i64,
    pub complained_at: Option<i64>,
    pub root_cause: Option<String>,
    pub no_action_reason: Option<String>,
    pub customer_email: Option<String>,
    pub actions: Vec<RecoveryAction>,
    pub notices: Vec<Notice>,
    pub timeline: Vec<TimelineEvent>,
    pub signals: Vec<IncidentSignal>,
    pub associates: Vec<(i64, String)>,
    pub can_approve: bool,
}

/// One page of the incidents list.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentPage {
    pub items: Vec<IncidentRow>,
    /// How many match, counted up to 1,000 past the page's first row: when `total_capped` is
    /// true, more than `total` match.
    pub total: i64,
    /// True when the count stopped at its cap, so more than `total` match.
    #[serde(default)]
    pub total_capped: bool,
    pub page: i64,
    pub per_page: i64,
}

/// A refund or credit waiting for a manager.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingApproval {
    pub action: RecoveryAction,
    pub customer_name: String,
    pub incident_description: String,
}

/// What a customer sees of one incident in their portal. Built field by field from what the
/// portal shows, never from the staff types: notes, who did what and their decisions stay in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalIncident {
    pub id: i64,
    pub category: String,
    pub status: Status,
    pub proactive: bool,
    pub subject_ref: Option<String>,
    pub occurred_at: i64,
    pub resolved_at: Option<i64>,
    pub actions: Vec<PortalAction>,
    pub notices: Vec<PortalNotice>,
    /// The customer's own rating of the recovery from the portal: (CSAT 1–5, comment).
    pub my_rating: Option<(i64, String)>,
}

/// A recovery action as the customer sees it: what, how much, and whether it is still being
/// arranged (waiting for approval). Declined actions are not shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalAction {
    pub kind: ActionKind,
    pub amount: crate::common::money::Money,
    pub pending: bool,
}

/// A notice written for the customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalNotice {
    pub subject: String,
    pub body: String,
    pub created_at: i64,
}
