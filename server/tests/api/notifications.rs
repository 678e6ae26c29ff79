//! Notifications and escalation: who hears of what, once, in the app or by email as they
//! prefer; service-level warnings, breaches and reassignment rules checked on the driven clock
//! (the check functions are called with the time the test chooses: no sleeps); the centre's
//! mark read and mark all read; only one's own notifications over the API; and the weekly
//! report email at the organisation's chosen hour.
use crate::helpers::*;
use reqwest::Client;
use serde_json::Value;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;

/// How many notifications of `kind` staff member `staff` has.
async fn notified(app: &TestApp, staff: i64, kind: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM notifications WHERE recipient_id = {staff} AND kind = '{kind}'"
    ))
    .await
}

/// The timeline events of `kind` on incident `id`.
async fn timeline(app: &TestApp, id: i64, kind: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT message FROM incident_events WHERE incident_id = $1 AND kind = $2 ORDER BY id",
    )
    .bind(id)
    .bind(kind)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

async fn assign(app: &TestApp, client: &Client, incident: i64, to: i64) {
    let res = app
        .call(
            client,
            "incidents/assign",
            &[
                ("id", &incident.to_string()),
                ("assignee_id", &to.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

/// An associate (who logs incidents and so is their first assignee) and a manager, with the
/// customer c-1001.
async fn team_of_two(app: &TestApp) -> ((i64, Client), (i64, Client)) {
    let associate = staff_with_id(app, "associate").await;
    let manager = staff_with_id(app, "manager").await;
    customer(app, &manager.1, "Mei Tan", "c-1001").await;
    (associate, manager)
}

async fn unread(app: &TestApp, client: &Client) -> i64 {
    app.call_json(client, "notifications/unread", &[])
        .await
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn assigning_an_incident_notifies_the_assignee_and_not_the_person_who_assigned_it() {
    let app = spawn_app().await;
    let ((associate_id, associate), (manager_id, manager)) = team_of_two(&app).await;
    let id = log_incident(&app, &manager, "c-1001", "complaint").await;
    assert_eq!(
        notified(&app, manager_id, "incident_assigned").await,
        0,
        "logging one's own incident tells nobody"
    );
    assign(&app, &manager, id, associate_id).await;
    assert_eq!(notified(&app, associate_id, "incident_assigned").await, 1);
    assert_eq!(notified(&app, manager_id, "incident_assigned").await, 0);
    assert_eq!(unread(&app, &associate).await, 1);
    // Taking it back oneself tells nobody.
    assign(&app, &manager, id, manager_id).await;
    assert_eq!(notified(&app, manager_id, "incident_assigned").await, 0);
    let page = app.page_text(&associate, "/notifications").await;
    assert!(page.contains(&format!("Incident #{id}")), "{page}");
    assert!(page.contains("notification-unread"));
}

#[tokio::test]
async fn a_recovery_over_the_limit_tells_the_managers_and_the_decision_tells_the_proposer() {
    let app = spawn_app().await;
    let ((associate_id, associate), (manager_id, manager)) = team_of_two(&app).await;
    let id = log_incident(&app, &associate, "c-1001", "complaint").await;
    let res = recovery_action(&app, &associate, id, "refund", "500.00", "USD").await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(notified(&app, manager_id, "approval_waiting").await, 1);
    assert_eq!(notified(&app, associate_id, "approval_waiting").await, 0);
    let action: i64 = app
        .count("SELECT id FROM recovery_actions WHERE status = 'pending'")
        .await;
    let res = decide(
        &app,
        &manager,
        action,
        "decline",
        "Too much for a late parcel",
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(notified(&app, associate_id, "recovery_decided").await, 1);
    let (title,): (String,) = app
        .row("SELECT title FROM notifications WHERE kind = 'recovery_decided'")
        .await;
    assert!(title.contains("declined"), "{title}");
}

#[tokio::test]
async fn a_breach_notifies_the_assignee_and_managers_once_even_when_checked_twice() {
    let app = spawn_app().await;
    let ((associate_id, associate), (manager_id, _)) = team_of_two(&app).await;
    let id = log_incident_with(
        &app,
        &associate,
        &[("customer", "c-1001"), ("severity", "critical")],
    )
    .await;
    let after_an_hour = app.clock.now_ms() + HOUR + MINUTE;
    let check = app::incidents::escalation::check;
    assert_eq!(check(&app.db, after_an_hour).await.unwrap(), 1);
    assert_eq!(check(&app.db, after_an_hour).await.unwrap(), 0);
    assert_eq!(
        check(&app.db, after_an_hour + 10 * MINUTE).await.unwrap(),
        0
    );
    assert_eq!(notified(&app, associate_id, "sla_breached").await, 1);
    assert_eq!(notified(&app, manager_id, "sla_breached").await, 1);
    let escalations = timeline(&app, id, "escalated").await;
    assert_eq!(escalations.len(), 1, "{escalations:?}");
    assert!(escalations[0].contains("breached"), "{escalations:?}");
}

#[tokio::test]
async fn the_managers_of_the_assignees_team_hear_of_a_breach_and_others_do_not() {
    let app = spawn_app().await;
    let ((associate_id, associate), (manager_id, _)) = team_of_two(&app).await;
    let (other_manager, _) = staff_with_id(&app, "manager").await;
    let admin = app.staff_browser("admin").await;
    team(&app, &admin, "Front desk", &[associate_id, manager_id]).await;
    log_incident_with(
        &app,
        &associate,
        &[("customer", "c-1001"), ("severity", "critical")],
    )
    .await;
    let later = app.clock.now_ms() + 2 * HOUR;
    app::incidents::escalation::check(&app.db, later)
        .await
        .unwrap();
    assert_eq!(notified(&app, manager_id, "sla_breached").await, 1);
    assert_eq!(notified(&app, other_manager, "sla_breached").await, 0);
}

#[tokio::test]
async fn an_80_percent_warning_arrives_once_and_before_the_breach() {
    let app = spawn_app().await;
    let ((associate_id, associate), _) = team_of_two(&app).await;
    log_incident_with(
        &app,
        &associate,
        &[("customer", "c-1001"), ("severity", "critical")],
    )
    .await;
    let now = app.clock.now_ms();
    let check = app::incidents::escalation::check;
    assert_eq!(check(&app.db, now + 30 * MINUTE).await.unwrap(), 0);
    assert_eq!(notified(&app, associate_id, "sla_warning").await, 0);
    assert_eq!(check(&app.db, now + 50 * MINUTE).await.unwrap(), 1);
    assert_eq!(check(&app.db, now + 55 * MINUTE).await.unwrap(), 0);
    assert_eq!(notified(&app, associate_id, "sla_warning").await, 1);
    assert_eq!(notified(&app, associate_id, "sla_breached").await, 0);
}

#[tokio::test]
async fn a_reassign_rule_fires_once_and_shows_on_the_timeline() {
    let app = spawn_app().await;
    let ((_, associate), (manager_id, manager)) = team_of_two(&app).await;
    let (lead_id, _) = staff_with_id(&app, "associate").await;
    let delivery = app.category_id("Delivery").await.to_string();
    let target = format!("staff:{lead_id}");
    let res = app
        .call(
            &manager,
            "incidents/escalation/save",
            &[
                ("category_id", &delivery),
                ("after_minutes", "30"),
                ("target", &target),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    // Associates may not set rules.
    let res = app
        .call(
            &associate,
            "incidents/escalation/save",
            &[
                ("category_id", &delivery),
                ("after_minutes", "1"),
                ("target", &target),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    let id = log_incident_with(
        &app,
        &associate,
        &[("customer", "c-1001"), ("severity", "minor")],
    )
    .await;
    let now = app.clock.now_ms();
    let check = app::incidents::escalation::check;
    assert_eq!(check(&app.db, now + 20 * MINUTE).await.unwrap(), 0);
    assert_eq!(check(&app.db, now + 31 * MINUTE).await.unwrap(), 1);
    assert_eq!(check(&app.db, now + 40 * MINUTE).await.unwrap(), 0);
    let (assignee,): (i64,) = app
        .row(&format!(
            "SELECT assignee_id FROM incidents WHERE id = {id}"
        ))
        .await;
    assert_eq!(assignee, lead_id);
    let escalations = timeline(&app, id, "escalated").await;
    assert_eq!(escalations.len(), 1, "{escalations:?}");
    assert!(escalations[0].contains("reassigned to"), "{escalations:?}");
    assert_eq!(notified(&app, lead_id, "incident_assigned").await, 1);
    assert_eq!(notified(&app, manager_id, "incident_assigned").await, 0);
}

#[tokio::test]
async fn a_reassign_rule_leaves_an_acknowledged_incident_alone() {
    let app = spawn_app().await;
    let ((associate_id, associate), (_, manager)) = team_of_two(&app).await;
    let (lead_id, _) = staff_with_id(&app, "associate").await;
    let delivery = app.category_id("Delivery").await.to_string();
    let res = app
        .call(
            &manager,
            "incidents/escalation/save",
            &[
                ("category_id", &delivery),
                ("after_minutes", "30"),
                ("target", &format!("staff:{lead_id}")),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let id = log_incident_with(&app, &associate, &[("severity", "minor")]).await;
    let res = app
        .call(&associate, "incidents/start", &[("id", &id.to_string())])
        .await;
    assert_eq!(res.status(), 200);
    let later = app.clock.now_ms() + HOUR;
    assert_eq!(
        app::incidents::escalation::check(&app.db, later)
            .await
            .unwrap(),
        0
    );
    let (assignee,): (i64,) = app
        .row(&format!(
            "SELECT assignee_id FROM incidents WHERE id = {id}"
        ))
        .await;
    assert_eq!(assignee, associate_id);
}

#[tokio::test]
async fn preferences_send_a_kind_by_email_instead_of_in_the_app() {
    let app = spawn_app().await;
    let ((associate_id, associate), (_, manager)) = team_of_two(&app).await;
    let res = app
        .call(
            &associate,
            "notifications/preferences/save",
            &[("incident_assigned", "email"), ("story_kudos", "off")],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let prefs = app
        .call_json(&associate, "notifications/preferences", &[])
        .await;
    assert!(
        prefs["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k[0] == "incident_assigned" && k[1] == "email"),
        "{prefs}"
    );
    let id = log_incident(&app, &manager, "c-1001", "complaint").await;
    assign(&app, &manager, id, associate_id).await;
    assert_eq!(unread(&app, &associate).await, 0, "not shown in the app");
    let email: String = app
        .row::<(String,)>(&format!(
            "SELECT email FROM staff_users WHERE id = {associate_id}"
        ))
        .await
        .0;
    let sent = format!("SELECT COUNT(*) FROM email_outbox WHERE to_address = '{email}'");
    assert_eq!(app.count(&sent).await, 0, "queued by the email pass");
    let now = app.clock.now_ms();
    let queued = app::notifications::email::send_due(&app.db, now, "https://cx.example.com")
        .await
        .unwrap();
    assert_eq!(queued, 1);
    assert_eq!(
        app::notifications::email::send_due(&app.db, now, "https://cx.example.com")
            .await
            .unwrap(),
        0,
        "each notification is emailed once"
    );
    assert_eq!(app.count(&sent).await, 1);
    let (body,): (String,) = app
        .row(&format!(
            "SELECT body FROM email_outbox WHERE to_address = '{email}'"
        ))
        .await;
    assert!(
        body.contains(&format!("https://cx.example.com/incidents/{id}")),
        "{body}"
    );
    // "Both": in the app and by email.
    let res = app
        .call(
            &associate,
            "notifications/preferences/save",
            &[("incident_assigned", "both")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let second = log_incident(&app, &manager, "c-1001", "complaint").await;
    assign(&app, &manager, second, associate_id).await;
    assert_eq!(unread(&app, &associate).await, 1);
    app::notifications::email::send_due(&app.db, now, "https://cx.example.com")
        .await
        .unwrap();
    assert_eq!(app.count(&sent).await, 2);
    // Nonsense is refused.
    let res = app
        .call(
            &associate,
            "notifications/preferences/save",
            &[("sla_breached", "pigeon")],
        )
        .await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn a_daily_digest_batches_the_days_emails_into_one() {
    let app = spawn_app().await;
    let ((associate_id, associate), (_, manager)) = team_of_two(&app).await;
    let res = app
        .call(
            &associate,
            "notifications/preferences/save",
            &[("incident_assigned", "email"), ("daily_digest", "on")],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    for _ in 0..3 {
        let id = log_incident(&app, &manager, "c-1001", "complaint").await;
        assign(&app, &manager, id, associate_id).await;
    }
    let email: String = app
        .row::<(String,)>(&format!(
            "SELECT email FROM staff_users WHERE id = {associate_id}"
        ))
        .await
        .0;
    let sent = format!("SELECT COUNT(*) FROM email_outbox WHERE to_address = '{email}'");
    // The organisation is on UTC: the digest goes from 07:00.
    let midnight = app.clock.now_ms() / (24 * HOUR) * (24 * HOUR) + 24 * HOUR;
    let send = |at: i64| app::notifications::email::send_due(&app.db, at, "https://cx.example.com");
    assert_eq!(send(midnight + 6 * HOUR).await.unwrap(), 0);
    assert_eq!(send(midnight + 7 * HOUR).await.unwrap(), 1);
    assert_eq!(send(midnight + 9 * HOUR).await.unwrap(), 0, "once a day");
    assert_eq!(app.count(&sent).await, 1);
    let (subject, body): (String, String) = app
        .row(&format!(
            "SELECT subject, body FROM email_outbox WHERE to_address = '{email}'"
        ))
        .await;
    assert!(subject.starts_with("3 notification"), "{subject}");
    assert_eq!(body.matches("/incidents/").count(), 3, "{body}");
}

#[tokio::test]
async fn opening_a_notification_marks_it_read_and_lands_on_its_record_without_javascript() {
    let app = spawn_app().await;
    let ((associate_id, associate), (_, manager)) = team_of_two(&app).await;
    let first = log_incident(&app, &manager, "c-1001", "complaint").await;
    let second = log_incident(&app, &manager, "c-1001", "complaint").await;
    assign(&app, &manager, first, associate_id).await;
    assign(&app, &manager, second, associate_id).await;
    assert_eq!(unread(&app, &associate).await, 2);
    let (note,): (i64,) = app
        .row(&format!(
            "SELECT id FROM notifications WHERE recipient_id = {associate_id} AND link = '/incidents/{first}'"
        ))
        .await;
    let res = app
        .submit_form(
            &associate,
            "notifications/open",
            "/notifications",
            &[("id", &note.to_string())],
        )
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(location(&res), format!("/incidents/{first}"));
    assert_eq!(unread(&app, &associate).await, 1);
    let page = app
        .call_json(&associate, "notifications/list", &[("page", "1")])
        .await;
    assert_eq!(page["unread"], 1);
    assert_eq!(
        page["items"][0]["link"],
        format!("/incidents/{second}"),
        "newest first"
    );
    assert_eq!(page["items"][0]["read"], false);
    assert_eq!(page["items"][1]["read"], true);
    let res = app
        .submit_form(&associate, "notifications/read-all", "/notifications", &[])
        .await;
    assert!(res.status().is_redirection());
    assert_eq!(unread(&app, &associate).await, 0);
}

#[tokio::test]
async fn nobody_can_open_another_persons_notification() {
    let app = spawn_app().await;
    let ((associate_id, _), (_, manager)) = team_of_two(&app).await;
    let id = log_incident(&app, &manager, "c-1001", "complaint").await;
    assign(&app, &manager, id, associate_id).await;
    let (note,): (i64,) = app
        .row(&format!(
            "SELECT id FROM notifications WHERE recipient_id = {associate_id}"
        ))
        .await;
    let res = app
        .call(&manager, "notifications/open", &[("id", &note.to_string())])
        .await;
    assert_eq!(res.status(), 404);
    let (read,): (Option<i64>,) = app
        .row(&format!(
            "SELECT read_at FROM notifications WHERE id = {note}"
        ))
        .await;
    assert_eq!(read, None, "still unread");
}

#[tokio::test]
async fn the_api_shows_and_marks_only_the_token_owners_notifications() {
    let app = spawn_app().await;
    let ((associate_id, _), (_, manager)) = team_of_two(&app).await;
    let admin_email = app.staff("admin").await;
    let admin_id = app.staff_id(&admin_email).await;
    let admin = app.signed_in_as(&admin_email).await;
    let token = create_token(&app, &admin, &[("name", "Helpdesk")]).await;
    let mine = log_incident(&app, &manager, "c-1001", "complaint").await;
    let theirs = log_incident(&app, &manager, "c-1001", "complaint").await;
    assign(&app, &manager, mine, admin_id).await;
    assign(&app, &manager, theirs, associate_id).await;
    let list: Value = ok_json(app.api_get(&token, "/api/v1/notifications").await).await;
    assert_eq!(list["unread"], 1);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["link"], format!("/incidents/{mine}"));
    let (other,): (i64,) = app
        .row(&format!(
            "SELECT id FROM notifications WHERE recipient_id = {associate_id}"
        ))
        .await;
    let res = app
        .api_post(&token, &format!("/api/v1/notifications/{other}/read"), &())
        .await;
    assert_eq!(res.status(), 404);
    let own = list["items"][0]["id"].as_i64().unwrap();
    let opened: Value = ok_json(
        app.api_post(&token, &format!("/api/v1/notifications/{own}/read"), &())
            .await,
    )
    .await;
    assert_eq!(opened["link"], format!("/incidents/{mine}"));
    let marked: Value = ok_json(
        app.api_post(&token, "/api/v1/notifications/read-all", &())
            .await,
    )
    .await;
    assert_eq!(marked["marked"], 0);
    let list: Value = ok_json(app.api_get(&token, "/api/v1/notifications").await).await;
    assert_eq!(list["unread"], 0);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM notifications WHERE recipient_id = {associate_id} AND read_at IS NULL"
        ))
        .await,
        1,
        "the associate's is untouched"
    );
}

#[tokio::test]
async fn follow_up_reminders_arrive_once_when_due_today_and_once_when_overdue() {
    let app = spawn_app().await;
    let ((associate_id, associate), _) = team_of_two(&app).await;
    let res = give_feedback(
        &app,
        &associate,
        &[("score", "3"), ("comment", "It was fine")],
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let (id, assignee, due): (i64, i64, i64) = app
        .row("SELECT id, assignee_id, due_at FROM follow_ups")
        .await;
    assert_eq!(assignee, associate_id);
    let notify = app::feedback::reminders::notify_due;
    // What a pass would remind of: each reminded follow-up drops out of the query itself, so a
    // pass does not re-check every overdue one against its notification.
    let owed = |at: i64| {
        let db = app.db.clone();
        async move {
            app::feedback::reminders::owed(&db, at)
                .await
                .unwrap()
                .into_iter()
                .map(|o| o.dedupe_key)
                .collect::<Vec<_>>()
        }
    };
    // An hour before it is due (on its day, the organisation being on UTC).
    let on_the_day = (due - HOUR).max(due / (24 * HOUR) * (24 * HOUR));
    assert_eq!(owed(on_the_day - 24 * HOUR).await, Vec::<String>::new());
    assert_eq!(
        owed(on_the_day).await,
        [format!("follow_up:{id}:due:{due}")]
    );
    assert_eq!(notify(&app.db, on_the_day).await.unwrap(), 1);
    assert_eq!(owed(on_the_day).await, Vec::<String>::new());
    assert_eq!(notify(&app.db, on_the_day).await.unwrap(), 0);
    assert_eq!(notified(&app, associate_id, "follow_up_due").await, 1);
    assert_eq!(
        owed(due + HOUR).await,
        [format!("follow_up:{id}:overdue:{due}")]
    );
    assert_eq!(notify(&app.db, due + HOUR).await.unwrap(), 1);
    assert_eq!(owed(due + 5 * HOUR).await, Vec::<String>::new());
    assert_eq!(notify(&app.db, due + 5 * HOUR).await.unwrap(), 0);
    assert_eq!(notified(&app, associate_id, "follow_up_overdue").await, 1);
    let (link,): (String,) = app
        .row("SELECT link FROM notifications WHERE kind = 'follow_up_overdue'")
        .await;
    assert_eq!(link, format!("/follow-ups/{id}"));
}

#[tokio::test]
async fn kudos_and_comments_tell_the_storys_author_but_not_the_giver() {
    let app = spawn_app().await;
    let (author_id, author) = staff_with_id(&app, "associate").await;
    let (colleague_id, colleague) = staff_with_id(&app, "associate").await;
    let (_, manager) = staff_with_id(&app, "manager").await;
    let story = logged_story(&app, &author, &[]).await.to_string();
    let res = app
        .call(
            &colleague,
            "stories/kudos",
            &[("id", &story), ("give", "true")],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = app
        .call(
            &colleague,
            "stories/comment",
            &[("id", &story), ("body", "Lovely work")],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = app
        .call(
            &author,
            "stories/comment",
            &[("id", &story), ("body", "Thanks!")],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = app
        .call(
            &manager,
            "stories/spotlight",
            &[("id", &story), ("on", "true")],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(notified(&app, author_id, "story_kudos").await, 1);
    assert_eq!(
        notified(&app, author_id, "story_comment").await,
        1,
        "not for their own"
    );
    assert_eq!(notified(&app, author_id, "story_spotlight").await, 1);
    assert_eq!(notified(&app, colleague_id, "story_comment").await, 0);
}

#[tokio::test]
async fn the_weekly_email_is_queued_once_for_each_manager_at_the_chosen_hour() {
    let app = spawn_app().await;
    let admin_email = app.staff("admin").await;
    let admin = app.signed_in_as(&admin_email).await;
    app.staff("manager").await;
    app.staff("associate").await;
    // Tomorrow at 09:00 (the organisation is on UTC), whatever day that is.
    let day = app.clock.now_ms() / (24 * HOUR) * (24 * HOUR) + 24 * HOUR;
    let weekday = chrono::DateTime::from_timestamp_millis(day)
        .unwrap()
        .format("%u")
        .to_string();
    let res = app
        .call(
            &admin,
            "org/weekly-email/save",
            &[("day", &weekday), ("hour", "9")],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let send = |at: i64| app::reports::email::send_weekly(&app.db, at, "https://cx.example.com");
    assert_eq!(send(day + 8 * HOUR + 59 * MINUTE).await.unwrap(), 0);
    assert_eq!(
        send(day + 9 * HOUR).await.unwrap(),
        2,
        "the manager and the admin"
    );
    assert_eq!(send(day + 9 * HOUR + 30 * MINUTE).await.unwrap(), 0);
    assert_eq!(send(day + 14 * HOUR).await.unwrap(), 0);
    let weekly = "SELECT COUNT(*) FROM email_outbox WHERE subject LIKE 'Weekly report for %'";
    assert_eq!(app.count(weekly).await, 2);
    let (body,): (String,) = app
        .row("SELECT body FROM email_outbox WHERE subject LIKE 'Weekly report for %' LIMIT 1")
        .await;
    assert!(
        body.contains("https://cx.example.com/reports/weekly?week="),
        "{body}"
    );
    assert!(body.contains("Incidents"), "{body}");
    // Associates may not change the schedule.
    let associate = app.staff_browser("associate").await;
    let res = app
        .call(
            &associate,
            "org/weekly-email/save",
            &[("day", "1"), ("hour", "8")],
        )
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn the_scheduler_escalates_a_breach_once_as_the_clock_moves_on_its_own() {
    let app = spawn_app().await;
    let ((associate_id, associate), (manager_id, _)) = team_of_two(&app).await;
    let id = log_incident_with(
        &app,
        &associate,
        &[("customer", "c-1001"), ("severity", "critical")],
    )
    .await;
    // Nothing but time: the background escalation job notices the breach.
    app.advance(std::time::Duration::from_millis((HOUR + MINUTE) as u64))
        .await;
    assert_eq!(notified(&app, associate_id, "sla_breached").await, 1);
    assert_eq!(notified(&app, manager_id, "sla_breached").await, 1);
    app.advance(std::time::Duration::from_secs(120)).await;
    app.advance(std::time::Duration::from_secs(120)).await;
    assert_eq!(
        notified(&app, associate_id, "sla_breached").await,
        1,
        "once per breach"
    );
    assert_eq!(timeline(&app, id, "escalated").await.len(), 1);
}

#[tokio::test]
async fn the_bell_counts_a_long_backlog_to_99_plus_and_the_centre_gives_the_exact_number() {
    let app = spawn_app().await;
    let (me, client) = staff_with_id(&app, "associate").await;
    sqlx::query(
        "INSERT INTO notifications (recipient_id, kind, title, link, created_at)
         WITH RECURSIVE n (k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 150)
         SELECT $1, 'incident_assigned', 'Incident ' || k, '/incidents', k FROM n",
    )
    .bind(me)
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(
        unread(&app, &client).await,
        100,
        "counted to 100, shown as 99+"
    );
    let page = app.page_text(&client, "/dashboard").await;
    assert!(page.contains("99+"), "{page}");
    let centre = app.page_text(&client, "/notifications").await;
    assert!(centre.contains("150 unread."), "{centre}");
    sqlx::query("UPDATE notifications SET read_at = 1 WHERE id % 2 = 0")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(unread(&app, &client).await, 75);
}
