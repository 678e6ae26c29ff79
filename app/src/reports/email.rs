//! The weekly report by email: on the organisation's chosen day and hour (in its time zone),
//! each manager and admin is sent the last complete week's headline figures for the whole
//! organisation with a link to the full report, once per week however many passes or
//! instances run. It is a notification of the kind `weekly_report`, so each person's
//! preferences apply and the notification's unique key makes it once.
use crate::audit::Actor;
use crate::common::moment::week_label;
use crate::db::Db;
use crate::error::AppError;
use crate::notifications::{notify_at, Kind, Note};
use crate::org::scope::StaffScope;

/// The figures the email leads with, in this order.
const HEADLINE: [&str; 6] = [
    "incidents_opened",
    "proactive_share",
    "recovery_hours_median",
    "nps",
    "lukewarm_share",
    "stories",
];

/// One pass at `now_ms`: when it is the chosen day at or after the chosen hour, tells every
/// active manager and admin who has not had it yet of the last complete week's report, and
/// queues the emails (links under `public_url`). Returns how many people were sent it.
pub async fn send_weekly(db: &Db, now_ms: i64, public_url: &str) -> Result<usize, AppError> {
    use chrono::{Datelike, Timelike};
    let schedule = crate::org::weekly_email::queries::load(db).await?;
    let tz = crate::org::clock::time_zone(db).await?;
    let local = chrono::DateTime::from_timestamp_millis(now_ms)
        .unwrap_or_default()
        .with_timezone(&tz);
    if !schedule.is_due(local.weekday().number_from_monday(), local.hour()) {
        return Ok(0);
    }
    let week = week_label(super::weekly::last_complete_week(tz, now_ms));
    let key = format!("weekly:{week}");
    let waiting: Vec<i64> = sqlx::query_scalar(
        "SELECT u.id FROM staff_users u WHERE u.active = 1 AND u.role IN ('manager', 'admin')
         AND NOT EXISTS (SELECT 1 FROM notifications n
                         WHERE n.recipient_id = u.id AND n.kind = $1 AND n.dedupe_key = $2)
         ORDER BY u.id",
    )
    .bind(Kind::WeeklyReport.as_str())
    .bind(&key)
    .fetch_all(db)
    .await?;
    if waiting.is_empty() {
        return Ok(0);
    }
    let report = super::weekly::report(db, &week, StaffScope::Organisation, now_ms).await?;
    let mut lines = format!(
        "The week {} for the whole organisation, against the week before ({}):\n\n",
        report.week, report.previous_week
    );
    for key in HEADLINE {
        if let Some(f) = report.figures.iter().find(|f| f.key == key) {
            lines.push_str(&format!(
                "- {}: {} ({})\n",
                f.label,
                super::show(&f.unit, f.value, &report.currency),
                super::show_change(&f.unit, f.change, &report.currency)
            ));
        }
    }
    let opened = report
        .figures
        .iter()
        .find(|f| f.key == "incidents_opened")
        .and_then(|f| f.value)
        .unwrap_or(0.0);
    let title = format!(
        "Weekly report for {}: {opened:.0} incident(s) opened",
        report.week
    );
    let link = format!("/reports/weekly?week={}", report.week);
    let system = Actor::system("Weekly report");
    let mut sent = 0;
    let mut tx = crate::db::begin_write(db).await?;
    for manager in waiting {
        let note = Note {
            kind: Kind::WeeklyReport,
            title: &title,
            link: &link,
            dedupe_key: Some(&key),
            detail: Some(&lines),
        };
        if notify_at(&mut tx, &system, manager, &note, now_ms).await? {
            sent += 1;
        }
    }
    tx.commit().await?;
    // Those who want it by email get it now rather than at the next pass.
    crate::notifications::email::send_due(db, now_ms, public_url).await?;
    Ok(sent)
}
