//! What each event carries: the `data` of the body every delivery sends,
//! `{"type": "<event>", "timestamp": "<RFC 3339>", "data": {...}}`. These shapes are part of
//! the API (documented in the OpenAPI document and the README): fields may be added, never
//! renamed or removed. Times are RFC 3339 strings in UTC; amounts are in minor units with their
//! currency.
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

/// The body of every delivery (the Standard Webhooks payload shape).
#[derive(Serialize, ToSchema)]
pub struct WebhookMessage {
    /// The event's name, e.g. `incident.opened` (or `webhook.test`).
    #[serde(rename = "type")]
    #[schema(example = "incident.opened")]
    pub event_type: String,
    /// When the event happened, RFC 3339.
    #[schema(example = "2026-12-02T09:30:00Z")]
    pub timestamp: String,
    /// The event's payload: one of the `…Data` schemas, by `type`.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// `incident.opened`: an incident was logged, by staff or by a detection rule.
#[derive(Serialize, ToSchema)]
pub struct IncidentOpenedData {
    pub incident_id: i64,
    pub customer_id: i64,
    pub category_id: i64,
    /// minor, major or critical.
    pub severity: String,
    /// complaint, staff or signal.
    pub source: String,
    /// Detected before any complaint from the customer.
    pub proactive: bool,
    /// The order, rental or other subject it concerns, if named.
    pub subject_ref: Option<String>,
    pub description: String,
    /// When the failure occurred, RFC 3339.
    pub occurred_at: String,
}

/// `incident.resolved`.
#[derive(Serialize, ToSchema)]
pub struct IncidentResolvedData {
    pub incident_id: i64,
    pub customer_id: i64,
    pub root_cause: String,
    /// Why no recovery action was needed, when none was applied.
    pub no_action_reason: Option<String>,
}

/// `incident.reopened`: a resolved incident is being recovered again.
#[derive(Serialize, ToSchema)]
pub struct IncidentReopenedData {
    pub incident_id: i64,
    pub customer_id: i64,
    pub reason: String,
}

/// `incident.escalated`: the incident's service level was breached and it escalated.
#[derive(Serialize, ToSchema)]
pub struct IncidentEscalatedData {
    pub incident_id: i64,
    pub customer_id: i64,
    /// What the escalation did: `notified` (its assignee and managers were told) or
    /// `reassigned` (a rule gave it to someone else).
    pub escalation: String,
    /// The escalation as it reads on the incident's timeline.
    pub message: String,
    /// Who the incident is assigned to after the escalation.
    pub assignee_id: Option<i64>,
}

/// `recovery.applied`, `recovery.pending_approval` and `recovery.declined`: one recovery action
/// on an incident and where it stands.
#[derive(Serialize, ToSchema)]
pub struct RecoveryData {
    pub action_id: i64,
    pub incident_id: i64,
    pub customer_id: i64,
    /// refund, credit, replacement, apology, callback or other.
    pub kind: String,
    /// In minor units (cents); 0 for actions without money.
    pub amount_minor: i64,
    /// ISO 4217.
    pub currency: String,
    /// applied, pending or declined.
    pub status: String,
    /// Why a manager declined it, or what they noted approving it.
    pub decision_note: Option<String>,
}

/// One reason given for a feedback's assessment.
#[derive(Serialize, ToSchema)]
pub struct ReasonData {
    /// A stable code, e.g. `bland_word` or `passive_score`.
    pub code: String,
    /// The reason in plain words.
    pub text: String,
}

/// `feedback.received`: an answer was stored and assessed.
#[derive(Serialize, ToSchema)]
pub struct FeedbackReceivedData {
    pub feedback_id: i64,
    pub customer_id: i64,
    /// survey, phone, in_person, email, chat, portal…
    pub channel: String,
    /// csat (1–5), nps (0–10) or ces (1–7).
    pub score_type: String,
    pub score: i64,
    pub comment: String,
    /// When the customer answered, RFC 3339.
    pub received_at: String,
    pub incident_id: Option<i64>,
    /// unhappy, lukewarm or fine.
    pub assessment: String,
    /// Why it was assessed so.
    pub reasons: Vec<ReasonData>,
    /// The follow-up it opened, if it needs one.
    pub follow_up_id: Option<i64>,
}

/// `follow_up.opened`: lukewarm or unhappy feedback is to be followed up.
#[derive(Serialize, ToSchema)]
pub struct FollowUpOpenedData {
    pub follow_up_id: i64,
    pub feedback_id: i64,
    pub customer_id: i64,
    /// unhappy or lukewarm.
    pub assessment: String,
    pub assignee_id: Option<i64>,
    /// When it is due, RFC 3339.
    pub due_at: String,
}

/// `follow_up.closed`: what the customer really said.
#[derive(Serialize, ToSchema)]
pub struct FollowUpClosedData {
    pub follow_up_id: i64,
    pub customer_id: i64,
    /// How it ended: problem_found, genuinely_fine or unreachable.
    pub outcome: String,
    /// How the customer really felt: negative, mixed or positive (none when unreachable).
    pub true_sentiment: Option<String>,
    pub customer_said: Option<String>,
}

/// `story.logged`: an extra-mile story was written down.
#[derive(Serialize, ToSchema)]
pub struct StoryLoggedData {
    pub story_id: i64,
    /// The staff member the story is about.
    pub associate_id: i64,
    pub customer_id: Option<i64>,
    pub incident_id: Option<i64>,
    /// turned_around, went_beyond or good_samaritan.
    pub kind: String,
    pub title: String,
    /// The day it happened, YYYY-MM-DD.
    pub occurred_on: String,
}

/// `customer.created`: from the staff form, the API or an import.
#[derive(Serialize, ToSchema)]
pub struct CustomerCreatedData {
    pub customer_id: i64,
    pub external_ref: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub segment: String,
}

/// `webhook.test`: sent from Admin → Webhooks to check an endpoint.
#[derive(Serialize, ToSchema)]
pub struct TestData {
    pub endpoint_id: i64,
    pub message: String,
}

/// The webhook schemas, merged into the API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(components(schemas(
    WebhookMessage,
    IncidentOpenedData,
    IncidentResolvedData,
    IncidentReopenedData,
    IncidentEscalatedData,
    RecoveryData,
    ReasonData,
    FeedbackReceivedData,
    FollowUpOpenedData,
    FollowUpClosedData,
    StoryLoggedData,
    CustomerCreatedData,
    TestData,
)))]
pub struct WebhookSchemas;

/// `ms` since the epoch as RFC 3339 in UTC, to the second.
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}
