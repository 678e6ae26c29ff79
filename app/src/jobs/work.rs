//! What each job does: one pass of the domain's own work, reported as a sentence for the Jobs
//! page. Every pass is safe to repeat and to run beside another instance's.
use super::catalogue::Job;
use crate::clock::Clock;
use crate::db::Db;
use crate::error::AppError;
use crate::outbox::delivery::Mailer;
use std::sync::Arc;

/// What the jobs need from the running instance.
#[derive(Clone)]
pub struct Context {
    pub db: Db,
    pub clock: Clock,
    /// Present when SMTP is configured.
    pub mailer: Option<Arc<Mailer>>,
    pub public_url: String,
    /// Whether webhooks may go to private, loopback and link-local addresses.
    pub webhooks_allow_private: bool,
}

/// Customers refreshed per statement batch by the loyalty refresh.
const LOYALTY_BATCH: i64 = 2_000;

/// Why `job` does not run on this setup, if it does not.
pub fn paused(job: &Job, smtp_configured: bool) -> Option<String> {
    (job.name == "outbox_delivery" && !smtp_configured).then(|| {
        "SMTP is not configured (set SMTP_URL): emails wait in the outbox, where admins can read them."
            .to_string()
    })
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Runs one pass of `job` at `now`; says what it did.
pub async fn run(job: &Job, ctx: &Context, now: i64) -> Result<String, AppError> {
    let db = &ctx.db;
    match job.name {
        "outbox_delivery" => match &ctx.mailer {
            Some(mailer) => {
                let sent = crate::outbox::delivery::deliver_due(db, mailer, &ctx.clock).await?;
                Ok(format!("{} sent.", plural(sent, "email", "emails")))
            }
            None => Ok("Nothing sent: SMTP is not configured.".to_string()),
        },
        "webhook_delivery" => {
            let sent =
                crate::webhooks::delivery::deliver_due(db, &ctx.clock, ctx.webhooks_allow_private)
                    .await?;
            Ok(format!(
                "{} attempted.",
                plural(sent, "delivery", "deliveries")
            ))
        }
        "escalation" => {
            let done = crate::incidents::escalation::check(db, now).await?;
            Ok(format!(
                "{} made.",
                plural(done, "escalation or warning", "escalations and warnings")
            ))
        }
        "follow_up_reminders" => {
            let sent = crate::feedback::reminders::notify_due(db, now).await?;
            Ok(format!("{} sent.", plural(sent, "reminder", "reminders")))
        }
        "notification_emails" => {
            let sent = crate::notifications::email::send_due(db, now, &ctx.public_url).await?;
            Ok(format!("{} queued.", plural(sent, "email", "emails")))
        }
        "weekly_report_email" => {
            let sent = crate::reports::email::send_weekly(db, now, &ctx.public_url).await?;
            Ok(format!(
                "{} queued.",
                plural(sent, "report email", "report emails")
            ))
        }
        "retention" => {
            let deleted = crate::retention::apply(db, now).await?;
            Ok(format!(
                "{} past retention deleted.",
                plural(deleted, "record", "records")
            ))
        }
        "report_refresh" => {
            let weeks = crate::reports::aggregates::refresh::keep_fresh(db, now).await?;
            Ok(format!("{} recomputed.", plural(weeks, "week", "weeks")))
        }
        "follow_up_digest" => {
            let queued =
                crate::feedback::follow_ups::queue_daily_digest(db, now, &ctx.public_url).await?;
            Ok(format!(
                "{} queued.",
                plural(queued, "digest email", "digest emails")
            ))
        }
        "loyalty_recompute" => loyalty(db, now).await,
        "theme_alerts" => {
            let sent = crate::themes::alerts::announce_rising(db, now).await?;
            Ok(format!(
                "{} sent.",
                plural(sent, "notification", "notifications")
            ))
        }
        "import_sweep" => {
            let swept = crate::imports::run::sweep_abandoned(db, now).await?;
            Ok(format!(
                "{} marked as interrupted.",
                plural(swept as usize, "import", "imports")
            ))
        }
        other => Err(AppError::Request(format!("No job is called '{other}'."))),
    }
}

/// Refreshes stale scores in batches until none is left or half a minute has passed: at the
/// measured rate that covers far more than a million customers a day.
async fn loyalty(db: &Db, now: i64) -> Result<String, AppError> {
    let started = std::time::Instant::now();
    let mut total = 0;
    loop {
        let done = crate::standing::recompute::refresh_stale(db, now, LOYALTY_BATCH).await?;
        total += done;
        if (done as i64) < LOYALTY_BATCH || started.elapsed() > std::time::Duration::from_secs(30) {
            break;
        }
    }
    Ok(format!("{} refreshed.", plural(total, "score", "scores")))
}
