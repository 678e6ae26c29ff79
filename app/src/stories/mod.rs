//! Extra-mile stories: what an associate did for someone, logged in a minute, recognised by
//! colleagues and managers, and counted toward a weekly cadence. Wire types live here.
pub mod api;
pub mod cadence;
pub mod fields;
#[cfg(feature = "ssr")]
pub mod figures;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod queries;
#[cfg(feature = "ssr")]
pub mod recognition;

use crate::common::labels::labelled_enum;
use crate::common::money::Money;
use serde::{Deserialize, Serialize};

labelled_enum!(
    /// What sort of extra mile it was.
    StoryKind {
        TurnedAround => "turned_around", "Turned a failure around",
        WentBeyond => "went_beyond", "Went beyond",
        GoodSamaritan => "good_samaritan", "Good samaritan (no sale)",
    }
);

/// A story in the library: enough to choose what to read.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryCard {
    pub id: i64,
    pub title: String,
    pub kind: StoryKind,
    pub occurred_on: String,
    pub week: String,
    pub associate_id: i64,
    pub associate_name: String,
    pub customer_id: Option<i64>,
    pub customer_name: Option<String>,
    pub excerpt: String,
    pub tags: Vec<String>,
    /// Kudos given to it: in the list's kudos week, when it is filtered by one.
    pub kudos: i64,
    pub comments: i64,
    pub spotlighted: bool,
    pub shareable: bool,
}

/// One page of the library with the total matching.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryPage {
    pub items: Vec<StoryCard>,
    /// How many match, counted up to 1,000 past the page's first row: when `total_capped` is
    /// true, more than `total` match.
    pub total: i64,
    /// True when the count stopped at its cap, so more than `total` match.
    #[serde(default)]
    pub total_capped: bool,
    pub page: i64,
    pub page_size: i64,
}

/// A person named on a story.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: i64,
    pub author: String,
    pub body: String,
    pub created_at: i64,
}

/// Everything about one story, and what the viewer may do with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Story {
    pub id: i64,
    pub title: String,
    pub kind: StoryKind,
    pub occurred_on: String,
    pub week: String,
    pub associate: Person,
    pub colleagues: Vec<Person>,
    pub customer_id: Option<i64>,
    pub customer_name: Option<String>,
    pub incident_id: Option<i64>,
    pub situation: String,
    pub action_taken: String,
    pub result: String,
    pub lesson: String,
    pub cost: Money,
    pub tags: Vec<String>,
    pub internal_notes: String,
    pub shareable: bool,
    pub spotlighted_at: Option<i64>,
    pub kudos: Vec<Person>,
    pub comments: Vec<Comment>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub can_edit: bool,
    pub can_give_kudos: bool,
    pub gave_kudos: bool,
    pub can_spotlight: bool,
}

/// A shareable story as its customer sees it: no internal notes, staff by first name only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalStory {
    pub id: i64,
    pub title: String,
    pub occurred_on: String,
    pub told_by: String,
    pub situation: String,
    pub action_taken: String,
    pub result: String,
}

/// What the story form needs: who can be named, and the story being edited (if any).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryFormData {
    pub me: i64,
    pub can_choose_associate: bool,
    pub staff: Vec<Person>,
    pub today: String,
    pub values: fields::StoryDraft,
    pub draft_saved_at: Option<i64>,
}

/// A kudos someone received, for their home page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KudosReceived {
    pub story_id: i64,
    pub story_title: String,
    pub from: String,
    pub at: i64,
}

/// The signed-in person's cadence: twelve weeks, streak, kudos received.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyStories {
    pub weeks: Vec<cadence::WeekCell>,
    pub streak: cadence::Streak,
    pub kudos_total: i64,
    pub recent_kudos: Vec<KudosReceived>,
}

/// One person's row in the manager's cadence view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CadenceRow {
    pub staff_id: i64,
    pub name: String,
    pub this_week: i64,
    pub last_week: i64,
    pub streak: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamCadence {
    pub team: String,
    pub rows: Vec<CadenceRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CadenceView {
    pub this_week: String,
    pub last_week: String,
    pub teams: Vec<TeamCadence>,
}

/// A week's story figures for the dashboard; computed in `figures` only.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StoryFigures {
    pub week: String,
    pub stories: i64,
    pub associates_with_story: i64,
    pub active_associates: i64,
    pub kudos: i64,
    pub spotlighted: i64,
    pub turned_around: i64,
}

impl StoryFigures {
    /// Share of active associates with at least one story, in whole percent.
    pub fn associate_share(&self) -> Option<i64> {
        (self.active_associates > 0).then(|| {
            (self.associates_with_story * 100 + self.active_associates / 2) / self.active_associates
        })
    }
}
