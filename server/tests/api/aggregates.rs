//! The weekly report's aggregates always equal a full recomputation from the raw rows, after
//! random sequences of creates, edits, reopenings and deletions of every kind of record a
//! figure reads, whether they come through the application or straight to the database.
//! So do the open-work rows the customers-at-risk list reads, with their customers' standing.
//! The sequence is random: its seed is printed, and `EXTRAMILE_TEST_SEED` replays it.
use crate::helpers::*;
use app::reports::aggregates::refresh::{rebuild, refresh};
use chrono::Duration;
use rand::rngs::StdRng;
use rand::Rng;

const HOUR: i64 = 3_600_000;

type Snapshot = (
    Vec<(String, i64, String, i64)>,
    Vec<(String, i64, i64, i64)>,
);

async fn snapshot(app: &TestApp) -> Snapshot {
    let figures = sqlx::query_as(
        "SELECT week, staff_id, figure, value FROM report_figures ORDER BY week, staff_id, figure",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let times = sqlx::query_as(
        "SELECT week, staff_id, tenths, n FROM report_recovery_times ORDER BY week, staff_id, tenths",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    (figures, times)
}

type OpenWork = Vec<(String, i64, Option<i64>, i64, Option<String>, Option<i64>)>;

/// The open-work rows as their triggers keep them, and as recomputed from the raw rows.
async fn open_work(app: &TestApp) -> (OpenWork, OpenWork) {
    let kept = sqlx::query_as(
        "SELECT kind, record_id, assignee_id, customer_id, loyalty_segment, loyalty_score
         FROM open_work ORDER BY kind, record_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let recomputed = sqlx::query_as(
        "SELECT kind, record_id, assignee_id, customer_id, loyalty_segment, loyalty_score FROM (
            SELECT 'incident' AS kind, i.id AS record_id, i.assignee_id, i.customer_id,
                   c.loyalty_segment, c.loyalty_score
            FROM incidents i JOIN customers c ON c.id = i.customer_id WHERE i.status <> 'resolved'
            UNION ALL
            SELECT 'follow_up', u.id, u.assignee_id, u.customer_id, c.loyalty_segment, c.loyalty_score
            FROM follow_ups u JOIN customers c ON c.id = u.customer_id WHERE u.status = 'open') w
         ORDER BY kind, record_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    (kept, recomputed)
}

async fn run(app: &TestApp, sql: String) {
    sqlx::query(&sql)
        .execute(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn pick(app: &TestApp, rng: &mut StdRng, sql: &str) -> Option<i64> {
    let ids: Vec<i64> = sqlx::query_scalar(sql).fetch_all(&app.db).await.unwrap();
    (!ids.is_empty()).then(|| ids[rng.gen_range(0..ids.len())])
}

fn sql_or_null(v: Option<i64>) -> String {
    v.map_or("NULL".into(), |v| v.to_string())
}

/// One random change. Times fall in [from, to); follow-ups fall due before the test started
/// or long after it ends, so the clock moving during the test changes nothing.
async fn change(app: &TestApp, rng: &mut StdRng, staff: &[i64], (from, to): (i64, i64), n: usize) {
    let at = rng.gen_range(from..to);
    let who = if rng.gen_bool(0.85) {
        Some(staff[rng.gen_range(0..staff.len())])
    } else {
        None
    };
    let a = sql_or_null(who);
    let customer = pick(app, rng, "SELECT id FROM customers").await.unwrap();
    let incident = pick(app, rng, "SELECT id FROM incidents").await;
    let story = pick(app, rng, "SELECT id FROM stories").await;
    let later = |rng: &mut StdRng| (at + rng.gen_range(1..200) * HOUR).min(to - 1);
    match rng.gen_range(0..24) {
        0..=2 => {
            let resolved = rng.gen_bool(0.6).then(|| later(rng));
            run(app, format!(
                "INSERT INTO incidents (customer_id, category_id, severity, source, status, description,
                   occurred_at, detected_at, resolved_at, proactive, assignee_id, created_at, updated_at)
                 VALUES ({customer}, 1, 'minor', 'staff', '{}', 'Random', {at}, {at}, {}, {}, {a}, {at}, {at})",
                if resolved.is_some() { "resolved" } else { "open" },
                sql_or_null(resolved),
                rng.gen_range(0..2)
            )).await;
        }
        3 => {
            if let Some(i) = incident {
                run(
                    app,
                    format!("UPDATE incidents SET assignee_id = {a} WHERE id = {i}"),
                )
                .await;
            }
        }
        4 => {
            if let Some(i) = incident {
                let resolved = later(rng);
                run(app, format!(
                "UPDATE incidents SET status = 'resolved', resolved_at = CASE WHEN detected_at < {resolved}
                   THEN {resolved} ELSE detected_at + 3600000 END WHERE id = {i}"
            )).await;
            }
        }
        5 => {
            if let Some(i) = incident {
                run(
                    app,
                    format!(
                        "UPDATE incidents SET status = 'open', resolved_at = NULL WHERE id = {i}"
                    ),
                )
                .await;
            }
        }
        6 => {
            if let Some(i) = incident {
                for sql in [
                format!("DELETE FROM recovery_actions WHERE incident_id = {i}"),
                format!("DELETE FROM follow_ups WHERE feedback_id IN (SELECT id FROM feedback WHERE incident_id = {i})"),
                format!("DELETE FROM feedback WHERE incident_id = {i}"),
                format!("UPDATE follow_ups SET incident_id = NULL WHERE incident_id = {i}"),
                format!("UPDATE stories SET incident_id = NULL WHERE incident_id = {i}"),
                format!("UPDATE referrals SET incident_id = NULL WHERE incident_id = {i}"),
                format!("UPDATE advocacy_events SET incident_id = NULL WHERE incident_id = {i}"),
                format!("DELETE FROM incident_events WHERE incident_id = {i}"),
                format!("DELETE FROM notices WHERE incident_id = {i}"),
                format!("DELETE FROM incidents WHERE id = {i}"),
            ] {
                run(app, sql).await;
            }
            }
        }
        7 | 8 => {
            if let Some(i) = incident {
                let status = ["applied", "pending", "declined"][rng.gen_range(0..3)];
                run(app, format!(
                "INSERT INTO recovery_actions (incident_id, kind, amount_minor, status, created_at, decided_at)
                 VALUES ({i}, 'refund', {}, '{status}', {at}, {})",
                rng.gen_range(0..3) * 1500,
                if status == "pending" { "NULL".to_string() } else { later(rng).to_string() }
            )).await;
            }
        }
        9 => {
            if let Some(x) = pick(app, rng, "SELECT id FROM recovery_actions").await {
                if rng.gen_bool(0.5) {
                    run(app, format!("UPDATE recovery_actions SET status = 'applied', decided_at = {at} WHERE id = {x}")).await;
                } else {
                    run(app, format!("DELETE FROM recovery_actions WHERE id = {x}")).await;
                }
            }
        }
        10 | 11 => {
            let (kind, score) = if rng.gen_bool(0.5) {
                ("nps", rng.gen_range(0..11))
            } else {
                ("csat", rng.gen_range(1..6))
            };
            let assessment = ["fine", "lukewarm", "unhappy"][rng.gen_range(0..3)];
            run(app, format!(
                "INSERT INTO feedback (customer_id, channel, score_type, score, received_at, incident_id,
                   assessment, reasons, entered_by_label, created_at)
                 VALUES ({customer}, 'phone', '{kind}', {score}, {at}, {}, '{assessment}', '', 'test', {at})",
                sql_or_null(incident.filter(|_| rng.gen_bool(0.5)))
            )).await;
            if assessment != "fine" && rng.gen_bool(0.8) {
                let due = if rng.gen_bool(0.5) {
                    (at + 24 * HOUR).min(to - 1)
                } else {
                    to + 400 * 24 * HOUR
                };
                run(app, format!(
                    "INSERT INTO follow_ups (feedback_id, customer_id, assignee_id, assessment, status,
                       opened_at, due_at, updated_at)
                     SELECT MAX(id), {customer}, {a}, '{assessment}', 'open', {at}, {}, {at} FROM feedback",
                    due
                )).await;
            }
        }
        12 => {
            if let Some(f) = pick(app, rng, "SELECT id FROM feedback").await {
                if rng.gen_bool(0.5) {
                    run(app, format!("UPDATE feedback SET score = {}, assessment = 'lukewarm' WHERE id = {f}", rng.gen_range(0..11))).await;
                } else {
                    run(
                        app,
                        format!("DELETE FROM follow_ups WHERE feedback_id = {f}"),
                    )
                    .await;
                    run(app, format!("DELETE FROM feedback WHERE id = {f}")).await;
                }
            }
        }
        13 | 14 => {
            if let Some(u) = pick(app, rng, "SELECT id FROM follow_ups").await {
                match rng.gen_range(0..3) {
                0 => run(app, format!(
                    "UPDATE follow_ups SET status = 'closed', closed_at = CASE WHEN opened_at < {at} THEN {at}
                       ELSE opened_at + 1 END, outcome = '{}' WHERE id = {u}",
                    ["problem_found", "genuinely_fine", "unreachable"][rng.gen_range(0..3)]
                )).await,
                1 => run(app, format!("UPDATE follow_ups SET status = 'open', closed_at = NULL, outcome = NULL WHERE id = {u}")).await,
                _ => run(app, format!("UPDATE follow_ups SET assignee_id = {a} WHERE id = {u}")).await,
            }
            }
        }
        15 | 16 => {
            let day = chrono::DateTime::from_timestamp_millis(at)
                .unwrap()
                .date_naive();
            let author = staff[rng.gen_range(0..staff.len())];
            run(app, format!(
                "INSERT INTO stories (associate_id, occurred_on, title, situation, action_taken, result, kind,
                   spotlighted_at, created_by, created_at, updated_at)
                 VALUES ({author}, '{day}', 'Story {n}', 's', 'a', 'r', '{}', {}, {author}, {at}, {at})",
                ["turned_around", "went_beyond"][rng.gen_range(0..2)],
                sql_or_null(rng.gen_bool(0.3).then(|| later(rng)))
            )).await;
        }
        17 => {
            if let Some(s) = story {
                match rng.gen_range(0..4) {
                    0 => {
                        run(
                            app,
                            format!(
                                "UPDATE stories SET associate_id = {} WHERE id = {s}",
                                staff[rng.gen_range(0..staff.len())]
                            ),
                        )
                        .await
                    }
                    1 => {
                        run(
                            app,
                            format!(
                                "UPDATE stories SET spotlighted_at = {} WHERE id = {s}",
                                sql_or_null(rng.gen_bool(0.5).then_some(at))
                            ),
                        )
                        .await
                    }
                    2 => {
                        let giver = staff[rng.gen_range(0..staff.len())];
                        let known = app.count(&format!("SELECT COUNT(*) FROM story_kudos WHERE story_id = {s} AND staff_id = {giver}")).await;
                        if known == 0 {
                            run(app, format!("INSERT INTO story_kudos (story_id, staff_id, created_at) VALUES ({s}, {giver}, {at})")).await;
                        } else {
                            run(app, format!("DELETE FROM story_kudos WHERE story_id = {s} AND staff_id = {giver}")).await;
                        }
                    }
                    _ => {
                        run(
                            app,
                            format!("UPDATE referrals SET story_id = NULL WHERE story_id = {s}"),
                        )
                        .await;
                        run(
                            app,
                            format!(
                                "UPDATE advocacy_events SET story_id = NULL WHERE story_id = {s}"
                            ),
                        )
                        .await;
                        run(app, format!("DELETE FROM stories WHERE id = {s}")).await;
                    }
                }
            }
        }
        18 => {
            let referred = pick(app, rng, "SELECT id FROM customers WHERE id NOT IN
                (SELECT referred_customer_id FROM referrals WHERE referred_customer_id IS NOT NULL)").await
                .filter(|c| *c != customer && rng.gen_bool(0.6));
            run(app, format!(
                "INSERT INTO referrals (referrer_id, referred_customer_id, prospect_name, converted, revenue_minor,
                   source, incident_id, story_id, occurred_at, created_by_label, created_at)
                 VALUES ({customer}, {}, 'P', {}, {}, 'staff', {}, {}, {at}, 'test', {at})",
                sql_or_null(referred),
                rng.gen_range(0..2),
                rng.gen_range(0..3) * 1000,
                sql_or_null(incident.filter(|_| rng.gen_bool(0.5))),
                sql_or_null(story.filter(|_| rng.gen_bool(0.5)))
            )).await;
        }
        19 => {
            if let Some(x) = pick(app, rng, "SELECT id FROM referrals").await {
                if rng.gen_bool(0.5) {
                    run(
                        app,
                        format!(
                            "UPDATE referrals SET converted = 1, occurred_at = {at} WHERE id = {x}"
                        ),
                    )
                    .await;
                } else {
                    run(app, format!("DELETE FROM referrals WHERE id = {x}")).await;
                }
            }
        }
        20 => {
            run(app, format!(
                "INSERT INTO advocacy_events (customer_id, kind, platform, audience, sentiment, occurred_at,
                   incident_id, story_id, created_by_label, created_at)
                 VALUES ({customer}, 'post', 'web', {}, 'positive', {at}, {}, {}, 'test', {at})",
                rng.gen_range(0..500),
                sql_or_null(incident.filter(|_| rng.gen_bool(0.5))),
                sql_or_null(story.filter(|_| rng.gen_bool(0.3)))
            )).await;
        }
        21 => {
            // Someone joins, changes or leaves a team: team rows are their members' sums.
            let team = [
                "(SELECT MIN(id) FROM teams)",
                "(SELECT MAX(id) FROM teams)",
                "NULL",
            ][rng.gen_range(0..3)];
            let who = staff[rng.gen_range(0..staff.len())];
            run(
                app,
                format!("UPDATE staff_users SET team_id = {team} WHERE id = {who}"),
            )
            .await;
        }
        _ => {
            if rng.gen_bool(0.75) {
                run(app, format!(
                    "INSERT INTO orders (external_id, customer_id, amount_minor, currency, placed_at, created_at)
                     VALUES ('o-{n}-{at}', {customer}, {}, 'USD', {at}, {at})",
                    rng.gen_range(1..100) * 100
                )).await;
            } else if let Some(o) = pick(app, rng, "SELECT id FROM orders").await {
                run(app, format!("DELETE FROM orders WHERE id = {o}")).await;
            }
        }
    }
}

#[tokio::test]
async fn aggregates_equal_a_full_recomputation_after_random_changes() {
    let app = spawn_app().await;
    let token = api_token(&app, "Reports").await;
    let mut staff = Vec::new();
    for _ in 0..3 {
        staff.push(staff_with_id(&app, "associate").await.0);
    }
    let (manager, client) = staff_with_id(&app, "manager").await;
    staff.push(manager);
    run(
        &app,
        "INSERT INTO teams (name, created_at) VALUES ('North', 0), ('South', 0)".into(),
    )
    .await;
    run(
        &app,
        format!(
            "UPDATE staff_users SET team_id = (SELECT MAX(id) FROM teams) WHERE id IN ({}, {})",
            staff[0], staff[1]
        ),
    )
    .await;
    let team = app.count("SELECT MAX(id) FROM teams").await;
    for (name, reference) in [
        ("Dana Reyes", "c-1"),
        ("Ravi Patel", "c-2"),
        ("Ada Obi", "c-3"),
        ("Lee Wong", "c-4"),
    ] {
        customer(&app, &client, name, reference).await;
    }
    let now = app::db::now_ms();
    let tz = chrono_tz::UTC;
    let current = app::org::clock::monday_of(tz, now);
    let weeks: Vec<_> = (0..20).map(|k| current - Duration::days(7 * k)).collect();
    refresh(&app.db, &weeks, now).await.unwrap();
    let from = app::org::clock::week_range(tz, weeks[19]).0 + 24 * HOUR;
    let to = now - HOUR;

    // A fresh seed each run (EXTRAMILE_TEST_SEED replays one): more sequences are tried over
    // time than any fixed one would.
    let mut rng = seeded_rng();
    let mut compared = 0;
    let mut open_compared = 0;
    for n in 0..300 {
        change(&app, &mut rng, &staff, (from, to), n).await;
        if n % 4 == 1 {
            // A customer's standing moves (as a loyalty refresh would move it).
            let segment =
                ["detractor", "passive", "loyal", "advocate", "churned"][rng.gen_range(0..5)];
            let customer = pick(&app, &mut rng, "SELECT id FROM customers")
                .await
                .unwrap();
            run(
                &app,
                format!(
                    "UPDATE customers SET loyalty_segment = '{segment}', loyalty_score = {}
                     WHERE id = {customer}",
                    rng.gen_range(0..100)
                ),
            )
            .await;
        }
        if n % 10 == 9 {
            // Read through the API now and then, as a manager would: that refreshes too.
            let week = weeks[rng.gen_range(1..6)].format("%G-W%V").to_string();
            let scope = [
                String::new(),
                format!("&associate={}", staff[0]),
                format!("&team={team}"),
            ][rng.gen_range(0..3)]
            .clone();
            let res = app
                .api_get(
                    &token,
                    &format!("/api/v1/reports/weekly?week={week}{scope}"),
                )
                .await;
            assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        } else {
            refresh(&app.db, &weeks, app::db::now_ms()).await.unwrap();
        }
        // Compare often, so a change a trigger missed is caught before another one in the same
        // week happens to recompute it.
        if n % 3 == 2 {
            let now = app::db::now_ms();
            refresh(&app.db, &weeks, now).await.unwrap();
            let kept = snapshot(&app).await;
            rebuild(&app.db, now).await.unwrap();
            let recomputed = snapshot(&app).await;
            assert_eq!(
                kept.0, recomputed.0,
                "figures differ from a full recomputation after change {n}"
            );
            assert_eq!(
                kept.1, recomputed.1,
                "times to recover differ after change {n}"
            );
            compared += kept.0.len();
            let (kept_work, recomputed_work) = open_work(&app).await;
            assert_eq!(
                kept_work, recomputed_work,
                "open work differs from the raw rows after change {n}"
            );
            open_compared += kept_work.len();
        }
    }
    let kept = snapshot(&app).await;
    assert!(
        kept.0.len() > 200,
        "too little happened: {} figures",
        kept.0.len()
    );
    assert!(!kept.1.is_empty(), "no times to recover were kept");
    assert!(compared > 10_000, "only {compared} figures compared");
    assert!(
        open_compared > 100,
        "only {open_compared} pieces of open work compared"
    );
}

#[tokio::test]
async fn a_rebuild_starts_at_the_earliest_moment_any_figure_reads() {
    let app = spawn_app().await;
    let (_, client) = staff_with_id(&app, "manager").await;
    customer(&app, &client, "Dana Reyes", "c-1").await;
    let now = app::db::now_ms();
    let week = 7 * 24 * HOUR;
    // An incident this week whose refund was recorded (and applied) three weeks earlier: the
    // refund is the oldest record a figure reads.
    run(&app, format!(
        "INSERT INTO incidents (customer_id, category_id, severity, source, status, description,
           occurred_at, detected_at, proactive, created_at, updated_at)
         VALUES ((SELECT MIN(id) FROM customers), 1, 'minor', 'staff', 'open', 'Late', {now}, {now}, 0, {now}, {now})"
    )).await;
    let refunded = now - 3 * week;
    run(&app, format!(
        "INSERT INTO recovery_actions (incident_id, kind, amount_minor, status, created_at, decided_at)
         VALUES ((SELECT MAX(id) FROM incidents), 'refund', 4500, 'applied', {refunded}, {refunded})"
    )).await;
    rebuild(&app.db, now).await.unwrap();
    let monday = app::org::clock::monday_of(chrono_tz::UTC, refunded).to_string();
    let spend: Option<i64> = sqlx::query_scalar(
        "SELECT value FROM report_figures WHERE week = $1 AND staff_id = -1 AND figure = 'spend'",
    )
    .bind(&monday)
    .fetch_optional(&app.db)
    .await
    .unwrap();
    assert_eq!(
        spend,
        Some(4500),
        "the refund's week {monday} was not rebuilt"
    );
}
