//! The jobs there are, how often each runs, and how a job and its runs are shown.
use serde::{Deserialize, Serialize};

/// One kind of background work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    /// Stable name, used in the database, the API and metrics.
    pub name: &'static str,
    pub title: &'static str,
    pub about: &'static str,
    /// How long after a run starts the next one is due.
    pub every_ms: i64,
}

const SECOND: i64 = 1_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;

/// Every job, in the order the Jobs page lists them.
pub const JOBS: &[Job] = &[
    Job {
        name: "outbox_delivery",
        title: "Email delivery",
        about: "Sends queued emails through SMTP, retrying failures with increasing waits.",
        every_ms: SECOND,
    },
    Job {
        name: "webhook_delivery",
        title: "Webhook delivery",
        about: "Delivers signed events to the webhook endpoints, retrying failures with increasing waits.",
        every_ms: 2 * SECOND,
    },
    Job {
        name: "report_refresh",
        title: "Weekly report refresh",
        about: "Brings the weekly report's last 53 weeks up to date with recent changes.",
        every_ms: 5 * SECOND,
    },
    Job {
        name: "escalation",
        title: "Service level escalation",
        about: "Warns at 80% of an incident's service level, escalates breaches to the assignee and managers, and applies reassignment rules.",
        every_ms: MINUTE,
    },
    Job {
        name: "follow_up_reminders",
        title: "Follow-up reminders",
        about: "Tells assignees which follow-ups are due today and which are overdue.",
        every_ms: MINUTE,
    },
    Job {
        name: "follow_up_digest",
        title: "Daily follow-up digest",
        about: "Emails managers and admins the day's overdue follow-ups, once a day from 07:00 in the organisation's time zone.",
        every_ms: MINUTE,
    },
    Job {
        name: "notification_emails",
        title: "Notification emails",
        about: "Emails notifications to the people who want them by email, and each daily digest from 07:00 in the organisation's time zone.",
        every_ms: 5 * SECOND,
    },
    Job {
        name: "weekly_report_email",
        title: "Weekly report email",
        about: "Emails managers the weekly report's headline figures on the organisation's chosen day and hour.",
        every_ms: MINUTE,
    },
    Job {
        name: "loyalty_recompute",
        title: "Loyalty score refresh",
        about: "Recomputes loyalty scores older than a day, so recency decays and quiet customers drift towards churned.",
        every_ms: MINUTE,
    },
    Job {
        name: "theme_alerts",
        title: "Rising themes",
        about: "Tells managers when a theme of what customers say rises well above its usual volume, once per theme and week.",
        every_ms: HOUR,
    },
    Job {
        name: "import_sweep",
        title: "Import sweep",
        about: "Marks imports cut off by a restart as failed, so nobody waits on them.",
        every_ms: MINUTE,
    },
    Job {
        name: "retention",
        title: "Retention",
        about: "Deletes audit entries, signals, delivered webhook attempts and sent emails older than the organisation keeps them.",
        every_ms: HOUR,
    },
];

impl Job {
    /// How long a claim on this job holds: long enough for a pass, short enough that a crashed
    /// instance's claim lapses soon (a minute for the frequent jobs, ten at most).
    pub fn lease_ms(&self) -> i64 {
        (self.every_ms * 5).clamp(MINUTE, 10 * MINUTE)
    }
}

pub fn find(name: &str) -> Option<&'static Job> {
    JOBS.iter().find(|j| j.name == name)
}

/// "every 5 seconds", "every minute", "every hour".
pub fn schedule_label(every_ms: i64) -> String {
    let (count, unit) = if every_ms % HOUR == 0 {
        (every_ms / HOUR, "hour")
    } else if every_ms % MINUTE == 0 {
        (every_ms / MINUTE, "minute")
    } else {
        (every_ms / SECOND, "second")
    };
    if count == 1 {
        format!("every {unit}")
    } else {
        format!("every {count} {unit}s")
    }
}

/// One run of a job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunView {
    pub id: i64,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub duration_ms: Option<i64>,
    /// `running`, `succeeded` or `failed`.
    pub outcome: String,
    /// What the run did, or why it failed.
    pub detail: Option<String>,
    /// `schedule`, or `manual (who asked)`.
    pub trigger: String,
    /// The instance that ran it.
    pub instance: String,
}

/// A job as the Jobs page and the API show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JobView {
    pub name: String,
    pub title: String,
    pub about: String,
    /// "every minute".
    pub schedule: String,
    pub every_seconds: i64,
    pub last_run: Option<RunView>,
    pub last_failure: Option<RunView>,
    /// When it is next due (it starts within a second of then).
    pub next_run_at: Option<i64>,
    pub running: bool,
    /// Someone asked for a run now that has not started yet.
    pub requested: bool,
    /// Why it does not run on this setup (email delivery without SMTP), if so.
    pub paused: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JobsView {
    pub jobs: Vec<JobView>,
    pub now: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_read_as_people_say_them() {
        assert_eq!(schedule_label(2_000), "every 2 seconds");
        assert_eq!(schedule_label(60_000), "every minute");
        assert_eq!(schedule_label(3_600_000), "every hour");
        assert_eq!(schedule_label(120_000), "every 2 minutes");
    }

    #[test]
    fn a_claim_on_a_frequent_job_lapses_within_a_minute() {
        let delivery = find("webhook_delivery").unwrap();
        assert_eq!(delivery.lease_ms(), MINUTE);
        assert_eq!(find("retention").unwrap().lease_ms(), 10 * MINUTE);
    }

    #[test]
    fn job_names_are_unique() {
        let mut names: Vec<_> = JOBS.iter().map(|j| j.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), JOBS.len());
    }
}
