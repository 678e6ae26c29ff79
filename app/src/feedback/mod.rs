//! Feedback (every answer a customer gives: survey, API or heard by staff), the lukewarm
//! detector that assesses it, and the follow-ups that chase polite-but-unhappy answers to the
//! truth. Wire types live here; queries beside them.
#[cfg(feature = "ssr")]
mod announce;
#[cfg(feature = "ssr")]
pub mod answer;
pub mod api;
#[cfg(feature = "ssr")]
pub mod assess;
pub mod due;
pub mod fields;
pub mod figures;
#[cfg(feature = "ssr")]
pub mod follow_ups;
#[cfg(feature = "ssr")]
pub mod ingest;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod queries;
pub mod questions;
#[cfg(feature = "ssr")]
pub mod queue;
#[cfg(feature = "ssr")]
pub mod reminders;
#[cfg(feature = "ssr")]
pub mod request;
#[cfg(feature = "ssr")]
pub mod surveys;

use crate::common::labels::labelled_enum;
use serde::{Deserialize, Serialize};

labelled_enum!(
    /// Which question was asked: NPS 0–10, CSAT 1–5 or CES 1–7 (7 = very easy).
    ScoreType { Nps => "nps", "NPS (0–10)", Csat => "csat", "CSAT (1–5)", Ces => "ces", "Effort (CES 1–7)" }
);
labelled_enum!(
    /// How the answer reached us.
    Channel {
        Survey => "survey", "Survey",
        Phone => "phone", "Phone",
        InPerson => "in_person", "In person",
        Email => "email", "Email",
        Chat => "chat", "Chat",
        Portal => "portal", "Customer portal",
    }
);
labelled_enum!(
    /// What the detector made of an answer; unhappy and lukewarm ones open a follow-up.
    Assessment { Unhappy => "unhappy", "Unhappy", Lukewarm => "lukewarm", "Lukewarm", Fine => "fine", "Fine" }
);
labelled_enum!(
    /// How a follow-up ended.
    Outcome {
        ProblemFound => "problem_found", "Problem found",
        GenuinelyFine => "genuinely_fine", "Genuinely fine",
        Unreachable => "unreachable", "Unreachable",
    }
);
labelled_enum!(
    /// How the customer really felt, once asked.
    TrueSentiment { Negative => "negative", "Unhappy", Mixed => "mixed", "Mixed", Positive => "positive", "Happy" }
);
labelled_enum!(
    /// How a contact attempt was made.
    ContactChannel {
        Phone => "phone", "Phone",
        Email => "email", "Email",
        Sms => "sms", "Text message",
        InPerson => "in_person", "In person",
        Chat => "chat", "Chat",
    }
);

impl ScoreType {
    pub fn range(self) -> (i64, i64) {
        match self {
            Self::Nps => (0, 10),
            Self::Csat => (1, 5),
            Self::Ces => (1, 7),
        }
    }

    /// The question the survey page asks.
    pub fn question(self) -> &'static str {
        match self {
            Self::Nps => "How likely are you to recommend us to a friend or colleague?",
            Self::Csat => "How satisfied were you with our service?",
            Self::Ces => "How easy was it to get what you needed?",
        }
    }

    /// Words for the two ends of the scale.
    pub fn ends(self) -> (&'static str, &'static str) {
        match self {
            Self::Nps => ("Not at all likely", "Extremely likely"),
            Self::Csat => ("Very dissatisfied", "Very satisfied"),
            Self::Ces => ("Very difficult", "Very easy"),
        }
    }

    /// "7 of 10", "4 stars", "CES 2 of 7": how a score reads in a reason.
    pub fn describe(self, score: i64) -> String {
        match self {
            Self::Nps => format!("NPS {score}"),
            Self::Csat if score == 1 => "1 star".to_string(),
            Self::Csat => format!("{score} stars"),
            Self::Ces => format!("effort {score} of 7"),
        }
    }
}

impl Assessment {
    pub fn needs_follow_up(self) -> bool {
        !matches!(self, Self::Fine)
    }
}

/// One reason for an assessment, in plain words, with a code that picks its probing questions.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    pub text: String,
}

/// A stored answer as staff see it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub channel: Channel,
    pub score_type: ScoreType,
    pub score: i64,
    pub comment: String,
    pub received_at: i64,
    pub incident_id: Option<i64>,
    pub order_ref: Option<String>,
    pub assessment: Assessment,
    pub reasons: Vec<Reason>,
    pub follow_up_id: Option<i64>,
    pub entered_by: String,
}

/// A follow-up as queues list it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowUpRow {
    pub id: i64,
    pub feedback_id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub assessment: Assessment,
    pub risk: i64,
    pub closed: bool,
    pub opened_at: i64,
    pub due_at: i64,
    pub closed_at: Option<i64>,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub score_type: ScoreType,
    pub score: i64,
    pub comment: String,
    pub reasons: Vec<Reason>,
    pub outcome: Option<Outcome>,
    /// What the customer really said, once closed.
    pub customer_said: Option<String>,
    pub attempts: i64,
    /// Where it stands against its due time when it was read.
    pub due_state: due::DueState,
}

/// One try at reaching the customer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub id: i64,
    pub channel: ContactChannel,
    pub at: i64,
    pub reached: bool,
    pub note: String,
    pub by: String,
}

/// Everything the follow-up page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowUpDetail {
    pub row: FollowUpRow,
    pub customer_ref: String,
    pub feedback_incident_id: Option<i64>,
    pub channel: Channel,
    pub received_at: i64,
    pub questions: Vec<String>,
    pub attempts: Vec<Attempt>,
    pub customer_said: Option<String>,
    pub true_sentiment: Option<TrueSentiment>,
    pub opened_incident_id: Option<i64>,
    pub closed_by: Option<String>,
    pub unreachable_after: i64,
    pub staff: Vec<(i64, String)>,
}

/// A page of a follow-up queue with the size of every queue, for the tabs.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowUpQueue {
    pub items: Vec<FollowUpRow>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
    pub counts: QueueCounts,
}

/// Badge counts stop here ("99+"): the navigation shows on every page, and counting every
/// overdue follow-up of a large organisation on each would cost more as it grows.
pub const BADGE_CAP: i64 = 99;

/// The navigation badge: open follow-ups assigned to the viewer and overdue ones, each counted
/// up to `BADGE_CAP` + 1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeCounts {
    pub mine: i64,
    pub overdue: i64,
}

impl BadgeCounts {
    /// A count as the badge shows it.
    pub fn show(n: i64) -> String {
        if n > BADGE_CAP {
            format!("{}+", BADGE_CAP)
        } else {
            n.to_string()
        }
    }
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueCounts {
    pub mine: i64,
    pub team: i64,
    pub overdue: i64,
    pub due_today: i64,
}

/// A page of the feedback list.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedbackPage {
    pub items: Vec<Feedback>,
    /// How many match, counted up to 1,000 past the page's first row: when `total_capped` is
    /// true, more than `total` match.
    pub total: i64,
    /// True when the count stopped at its cap, so more than `total` match.
    #[serde(default)]
    pub total_capped: bool,
    pub page: i64,
    pub page_size: i64,
}

/// Where a link stands, as the public page needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkState {
    Open {
        id: i64,
        customer_id: i64,
        first_name: String,
        score_type: ScoreType,
        incident_id: Option<i64>,
    },
    Answered,
    Expired,
    Unknown,
}

/// A survey link as staff see it in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyLink {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub score_type: ScoreType,
    pub incident_id: Option<i64>,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub answered_at: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::BadgeCounts;

    #[test]
    fn a_badge_shows_counts_up_to_its_cap_and_then_a_plus() {
        assert_eq!(BadgeCounts::show(7), "7");
        assert_eq!(BadgeCounts::show(99), "99");
        assert_eq!(BadgeCounts::show(100), "99+");
    }
}
