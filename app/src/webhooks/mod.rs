//! Signed webhooks: other systems register an endpoint and the events it wants; each event is
//! written to an outbox in the same transaction as the change it announces (`events`), then
//! delivered at least once, signed the Standard Webhooks way (`signature`), by a background pass
//! (`delivery`) that refuses private addresses (`address`). Endpoints are managed by admins on
//! Admin → Webhooks (`manage`, `pages`) and over the API (`api`); what each event carries is in
//! `payloads`.
//!
//! Domains call down into this module (`events::record`); it names none of them.
#[cfg(feature = "ssr")]
pub mod address;
#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod delivery;
#[cfg(feature = "ssr")]
pub mod endpoints;
#[cfg(feature = "ssr")]
pub mod events;
pub mod manage;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod payloads;
#[cfg(feature = "ssr")]
pub mod signature;

use serde::{Deserialize, Serialize};

/// The events an endpoint can subscribe to. The names are part of the API: never renamed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EventType {
    IncidentOpened,
    IncidentResolved,
    IncidentReopened,
    IncidentEscalated,
    RecoveryApplied,
    RecoveryPendingApproval,
    RecoveryDeclined,
    FeedbackReceived,
    FollowUpOpened,
    FollowUpClosed,
    StoryLogged,
    CustomerCreated,
}

impl EventType {
    /// Every event, in the order pages list them.
    pub const ALL: [EventType; 12] = [
        Self::IncidentOpened,
        Self::IncidentResolved,
        Self::IncidentReopened,
        Self::IncidentEscalated,
        Self::RecoveryApplied,
        Self::RecoveryPendingApproval,
        Self::RecoveryDeclined,
        Self::FeedbackReceived,
        Self::FollowUpOpened,
        Self::FollowUpClosed,
        Self::StoryLogged,
        Self::CustomerCreated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::IncidentOpened => "incident.opened",
            Self::IncidentResolved => "incident.resolved",
            Self::IncidentReopened => "incident.reopened",
            Self::IncidentEscalated => "incident.escalated",
            Self::RecoveryApplied => "recovery.applied",
            Self::RecoveryPendingApproval => "recovery.pending_approval",
            Self::RecoveryDeclined => "recovery.declined",
            Self::FeedbackReceived => "feedback.received",
            Self::FollowUpOpened => "follow_up.opened",
            Self::FollowUpClosed => "follow_up.closed",
            Self::StoryLogged => "story.logged",
            Self::CustomerCreated => "customer.created",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == name)
    }

    /// What the event announces, for the page's checkboxes.
    pub fn label(self) -> &'static str {
        match self {
            Self::IncidentOpened => "An incident was logged",
            Self::IncidentResolved => "An incident was resolved",
            Self::IncidentReopened => "A resolved incident was reopened",
            Self::IncidentEscalated => "An incident's service level was breached and it escalated",
            Self::RecoveryApplied => "A recovery action was applied",
            Self::RecoveryPendingApproval => "A recovery action waits for a manager's approval",
            Self::RecoveryDeclined => "A manager declined a recovery action",
            Self::FeedbackReceived => "Feedback arrived, with its assessment and reasons",
            Self::FollowUpOpened => "A follow-up was opened for lukewarm or unhappy feedback",
            Self::FollowUpClosed => "A follow-up was closed, with its outcome and true sentiment",
            Self::StoryLogged => "An extra-mile story was logged",
            Self::CustomerCreated => "A customer was created",
        }
    }
}

/// The type of the event "Send a test event" delivers: never subscribed to, sent on request.
pub const TEST_EVENT: &str = "webhook.test";

/// One endpoint as admins and the API see it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub id: i64,
    pub url: String,
    pub description: String,
    pub events: Vec<String>,
    pub enabled: bool,
    /// When a delivery to it was last given up on, while no later one has succeeded.
    pub failing_since: Option<i64>,
    pub created_at: i64,
}

/// One try at delivering an event to an endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub attempt: i64,
    pub at: i64,
    /// The HTTP status the endpoint answered; none when it could not be reached.
    pub status_code: Option<i64>,
    pub response_ms: i64,
    /// The first 1 KB of the response body.
    pub response_body: Option<String>,
    pub error: Option<String>,
    pub next_retry_at: Option<i64>,
}

/// One event's delivery to one endpoint, with every attempt so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: i64,
    pub event_id: i64,
    /// The `webhook-id` header the endpoint receives.
    pub message_id: String,
    pub event_type: String,
    /// pending, delivered or failed.
    pub status: String,
    pub next_attempt_at: Option<i64>,
    pub created_at: i64,
    pub attempts: Vec<Attempt>,
}

/// Admin → Webhooks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhooksView {
    pub endpoints: Vec<Endpoint>,
    /// The signing secret of an endpoint just created, shown this once.
    pub revealed: Option<String>,
}

/// One endpoint's delivery log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryLog {
    pub endpoint: Endpoint,
    pub deliveries: Vec<Delivery>,
}

#[cfg(test)]
mod tests {
    use super::EventType;

    #[test]
    fn every_event_name_reads_back_as_itself() {
        for event in EventType::ALL {
            assert_eq!(EventType::parse(event.as_str()), Some(event));
        }
        assert_eq!(EventType::parse("incident.closed"), None);
        assert_eq!(EventType::parse(super::TEST_EVENT), None);
    }
}
