//! What a notification is about, and the ways a person may choose to receive each kind.
use crate::common::labels::labelled_enum;

labelled_enum!(
    /// What a notification is about; each person chooses how each kind reaches them.
    Kind {
        IncidentAssigned => "incident_assigned", "An incident is assigned to you",
        FollowUpAssigned => "follow_up_assigned", "A follow-up is assigned to you",
        ApprovalWaiting => "approval_waiting", "A recovery waits for your approval",
        RecoveryDecided => "recovery_decided", "Your recovery was approved or declined",
        SlaWarning => "sla_warning", "An incident of yours is at 80% of its service level",
        SlaBreached => "sla_breached", "An incident's service level is breached",
        FollowUpDue => "follow_up_due", "A follow-up of yours is due today",
        FollowUpOverdue => "follow_up_overdue", "A follow-up of yours is overdue",
        StoryKudos => "story_kudos", "Kudos on your story",
        StoryComment => "story_comment", "A comment on your story",
        StorySpotlight => "story_spotlight", "Your story was spotlighted",
        ImportFinished => "import_finished", "Your import finished or failed",
        WeeklyReport => "weekly_report", "The weekly report (managers)",
        ThemeRising => "theme_rising", "A theme of what customers say is rising (managers)",
    }
);

labelled_enum!(
    /// How one kind of notification reaches a person.
    Delivery {
        InApp => "in_app", "In the app",
        Email => "email", "By email",
        Both => "both", "In the app and by email",
        Off => "off", "Off",
    }
);

impl Kind {
    /// How the kind reaches people who have not chosen: the weekly report is an email, the rest
    /// wait in the app.
    pub fn default_delivery(self) -> Delivery {
        match self {
            Self::WeeklyReport => Delivery::Email,
            _ => Delivery::InApp,
        }
    }
}

impl Delivery {
    pub fn in_app(self) -> bool {
        matches!(self, Self::InApp | Self::Both)
    }
    pub fn email(self) -> bool {
        matches!(self, Self::Email | Self::Both)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_delivery_says_where_a_notification_goes() {
        assert!(Delivery::InApp.in_app() && !Delivery::InApp.email());
        assert!(!Delivery::Email.in_app() && Delivery::Email.email());
        assert!(Delivery::Both.in_app() && Delivery::Both.email());
        assert!(!Delivery::Off.in_app() && !Delivery::Off.email());
    }

    #[test]
    fn kinds_read_back_from_their_stored_word() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(*kind));
        }
        assert_eq!(Kind::parse("nonsense"), None);
        assert_eq!(Kind::WeeklyReport.default_delivery(), Delivery::Email);
        assert_eq!(Kind::SlaBreached.default_delivery(), Delivery::InApp);
    }
}
