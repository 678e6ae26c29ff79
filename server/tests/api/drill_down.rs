//! Every weekly figure whose list the API serves drills down to exactly its records: on random
//! incidents, answers and follow-ups, for the organisation, each team and a person, over several
//! weeks, following a figure's `records` yields a list whose `total` is the figure, and rates,
//! means and times recomputed from the listed records are the figure.
use crate::helpers::*;
use rand::Rng;
use serde_json::Value;

/// 2026-W38 starts on Monday 2026-09-14 (UTC, the default time zone).
const W38_MONDAY: i64 = 1_789_344_000_000;
const HOUR: i64 = 3_600_000;
const WEEKS: [&str; 4] = ["2026-W38", "2026-W39", "2026-W40", "2026-W41"];

/// A figure's value to two decimals.
fn two(f: &Value) -> Option<f64> {
    f["value"].as_f64().map(|h| (h * 100.0).round() / 100.0)
}

/// Every incident a list URL holds, page by page, and the total the list reported.
async fn follow(app: &TestApp, token: &str, records: &str) -> (i64, Vec<Value>) {
    let mut items = Vec::new();
    let mut page = 1;
    loop {
        let res = app.api_get(token, &format!("{records}&page={page}")).await;
        assert_eq!(res.status(), 200, "{records}");
        let body: Value = res.json().await.unwrap();
        let got = body["items"].as_array().unwrap().clone();
        let total = body["total"].as_i64().unwrap();
        let done = got.is_empty() || items.len() + got.len() >= total as usize;
        items.extend(got);
        if done {
            return (total, items);
        }
        page += 1;
    }
}

/// Hours to recover as the report rounds them, nearest-rank median (mean of the middle two)
/// and 90th percentile.
fn recovery_hours(items: &[Value]) -> (Option<f64>, Option<f64>) {
    let mut hours: Vec<f64> = items
        .iter()
        .map(|i| {
            let ms = i["resolved_at"].as_i64().unwrap() - i["detected_at"].as_i64().unwrap();
            (ms as f64 / 360_000.0).round() / 10.0
        })
        .collect();
    hours.sort_by(f64::total_cmp);
    let n = hours.len();
    if n == 0 {
        return (None, None);
    }
    let median = if n % 2 == 1 {
        hours[n / 2]
    } else {
        (hours[n / 2 - 1] + hours[n / 2]) / 2.0
    };
    let rank = ((0.9 * n as f64).ceil() as usize).clamp(1, n);
    // Half-tenths (the mean of two middle values) to two decimals, as floats print them.
    let two = |h: f64| (h * 100.0).round() / 100.0;
    (Some(two(median)), Some(two(hours[rank - 1])))
}

/// An organisation of three associates in two teams (and unassigned work), a customer, and the
/// report scopes to check: the organisation, each team and one associate.
struct Scene {
    app: TestApp,
    token: String,
    staff: reqwest::Client,
    owners: [Option<i64>; 4],
    scopes: [String; 4],
}

async fn scene() -> Scene {
    let app = spawn_app().await;
    let token = api_token(&app, "Drill-down").await;
    let admin = app.staff_browser("admin").await;
    let (a1, staff) = staff_with_id(&app, "associate").await;
    let (a2, _) = staff_with_id(&app, "associate").await;
    let (a3, _) = staff_with_id(&app, "associate").await;
    let front = team(&app, &admin, "Front desk", &[a1, a2]).await;
    let back = team(&app, &admin, "Back office", &[a3]).await;
    customer(&app, &staff, "Dana Reyes", "c-1").await;
    Scene {
        app,
        token,
        staff,
        owners: [Some(a1), Some(a2), Some(a3), None],
        scopes: [
            String::new(),
            format!("&team={front}"),
            format!("&team={back}"),
            format!("&associate={a1}"),
        ],
    }
}

/// A figure with `records`, in one scope and week, and what following them gave.
struct Drill {
    key: String,
    group: String,
    /// Where it was found, for failure messages.
    at: String,
    report: Value,
    figure: Value,
    total: i64,
    items: Vec<Value>,
}

impl Drill {
    fn value(&self) -> Option<f64> {
        self.figure["value"].as_f64()
    }

    /// Another figure of the same report.
    fn other(&self, key: &str) -> Option<f64> {
        figure(&self.report, key)["value"].as_f64()
    }
}

impl Scene {
    /// Every figure of `group` that has `records`, in every scope and week, followed.
    async fn drills(&self, group: &str) -> Vec<Drill> {
        let mut out = Vec::new();
        for week in WEEKS {
            for scope in &self.scopes {
                let path = format!("/api/v1/reports/weekly?week={week}{scope}");
                let res = self.app.api_get(&self.token, &path).await;
                assert_eq!(res.status(), 200);
                let report: Value = res.json().await.unwrap();
                for f in report["figures"].as_array().unwrap() {
                    let Some(records) = f["records"].as_str() else {
                        continue;
                    };
                    if f["group"] != group {
                        continue;
                    }
                    let (total, items) = follow(&self.app, &self.token, records).await;
                    let key = f["key"].as_str().unwrap().to_string();
                    out.push(Drill {
                        at: format!("{key} in {week}{scope}: {records}"),
                        key,
                        group: group.into(),
                        report: report.clone(),
                        figure: f.clone(),
                        total,
                        items,
                    });
                }
            }
        }
        out
    }
}

#[tokio::test]
async fn every_incident_figure_of_every_scope_and_week_totals_exactly_its_listed_records() {
    let scene = scene().await;
    let (app, staff, owners) = (&scene.app, &scene.staff, scene.owners);
    let mut rng = seeded_rng();
    for _ in 0..70 {
        let id = log_incident(app, staff, "c-1", "complaint").await;
        // Detected from a week before the first reported week to its last, resolved (or not)
        // up to five days later, so incidents cross weeks both ways.
        let detected = W38_MONDAY - 7 * 24 * HOUR + rng.gen_range(0..35 * 24) * HOUR;
        let resolved = rng
            .gen_bool(0.7)
            .then(|| detected + rng.gen_range(1..120) * HOUR + rng.gen_range(0..HOUR));
        // Money first: a resolved incident takes no more actions.
        if rng.gen_bool(0.4) {
            let res = recovery_action(app, staff, id, "refund", "5.00", "USD").await;
            assert_eq!(res.status(), 200);
            sqlx::query(
                "UPDATE recovery_actions SET status = 'applied', created_at = $1, decided_at = $1
                 WHERE id = (SELECT MAX(id) FROM recovery_actions)",
            )
            .bind(detected + rng.gen_range(0..72) * HOUR)
            .execute(&app.db)
            .await
            .unwrap();
        }
        sqlx::query(
            "UPDATE incidents SET detected_at = $1, occurred_at = $1, created_at = $1,
                    resolved_at = $2, status = $3, proactive = $4, assignee_id = $5 WHERE id = $6",
        )
        .bind(detected)
        .bind(resolved)
        .bind(if resolved.is_some() {
            "resolved"
        } else {
            "open"
        })
        .bind(i64::from(rng.gen_bool(0.4)))
        .bind(owners[rng.gen_range(0..owners.len())])
        .bind(id)
        .execute(&app.db)
        .await
        .unwrap();
    }

    let drills = scene.drills("Incidents").await;
    for d in &drills {
        let (f, at, total, items) = (&d.figure, &d.at, d.total, &d.items);
        match d.key.as_str() {
            "incidents_opened" | "incidents_resolved" => {
                assert_eq!(Some(total as f64), d.value(), "{at}")
            }
            "proactive_share" => {
                let opened = d.other("incidents_opened").unwrap();
                let share = (opened > 0.0).then(|| (total as f64 * 1000.0 / opened).round() / 10.0);
                assert_eq!(share, d.value(), "{at}");
            }
            "recovery_hours_median" => assert_eq!(recovery_hours(items).0, two(f), "{at}"),
            "recovery_hours_p90" => assert_eq!(recovery_hours(items).1, two(f), "{at}"),
            "recovery_spend" => {
                // Every listed incident had money applied in the week, 5.00 each time.
                let ids: Vec<String> = items.iter().map(|i| i["id"].to_string()).collect();
                let range = format!(
                    "COALESCE(decided_at, created_at) >= {} AND COALESCE(decided_at, created_at) < {}",
                    d.report["from"], d.report["to"]
                );
                let applied = app
                    .count(&format!(
                        "SELECT COUNT(*) FROM recovery_actions WHERE status = 'applied'
                         AND incident_id IN ({}) AND {range}",
                        if ids.is_empty() {
                            "NULL".into()
                        } else {
                            ids.join(", ")
                        }
                    ))
                    .await;
                assert_eq!(Some(applied as f64 * 500.0), d.value(), "{at}");
            }
            other => panic!("{other} ({}) has records but no check here", d.group),
        }
    }
    assert_eq!(drills.len(), WEEKS.len() * scene.scopes.len() * 6);
}

/// A percentage as the report rounds it: to one decimal, none of nothing.
fn percent(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

fn scores(items: &[Value]) -> Vec<i64> {
    items.iter().map(|i| i["score"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn every_feedback_and_follow_up_figure_of_every_scope_and_week_totals_exactly_its_records() {
    let scene = scene().await;
    let (app, staff, owners) = (&scene.app, &scene.staff, scene.owners);
    let mut rng = seeded_rng();
    // Incidents own the answers about them that nobody followed up.
    let mut incidents = Vec::new();
    for _ in 0..8 {
        let id = log_incident(app, staff, "c-1", "complaint").await;
        sqlx::query("UPDATE incidents SET assignee_id = $1 WHERE id = $2")
            .bind(owners[rng.gen_range(0..owners.len())])
            .bind(id)
            .execute(&app.db)
            .await
            .unwrap();
        incidents.push(id);
    }
    let comments = [
        "",
        "Fine.",
        "ok but late again",
        "Good, though the courier was rude",
    ];
    let answers: Vec<Value> = (0..90)
        .map(|n| {
            let (kind, score) = match rng.gen_range(0..3) {
                0 => ("nps", rng.gen_range(0..=10)),
                1 => ("csat", rng.gen_range(1..=5)),
                _ => ("ces", rng.gen_range(1..=7)),
            };
            let incident = rng.gen_bool(0.3).then(|| incidents[rng.gen_range(0..8)]);
            serde_json::json!({"idempotency_key": format!("drill-{n}"), "customer": "c-1",
                "score_type": kind, "score": score, "channel": "survey", "incident": incident,
                "comment": comments[rng.gen_range(0..comments.len())]})
        })
        .collect();
    let res = app
        .api_post(&scene.token, "/api/v1/feedback", &answers)
        .await;
    assert_eq!(res.status(), 200);
    // Received from a week before the first reported week to its last; followed up (or not)
    // over the days after, closed on time, late or not at all, by anyone or nobody.
    let ids: Vec<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT f.id, u.id FROM feedback f LEFT JOIN follow_ups u ON u.feedback_id = f.id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let outcomes = ["problem_found", "genuinely_fine", "unreachable"];
    for (feedback, follow_up) in ids {
        let received = W38_MONDAY - 7 * 24 * HOUR + rng.gen_range(0..35 * 24) * HOUR;
        sqlx::query("UPDATE feedback SET received_at = $1 WHERE id = $2")
            .bind(received)
            .bind(feedback)
            .execute(&app.db)
            .await
            .unwrap();
        let Some(follow_up) = follow_up else {
            continue;
        };
        let opened = received + rng.gen_range(0..24) * HOUR;
        let closed = rng
            .gen_bool(0.6)
            .then(|| opened + rng.gen_range(1..8 * 24) * HOUR);
        sqlx::query(
            "UPDATE follow_ups SET opened_at = $1, due_at = $2, closed_at = $3, status = $4,
                    outcome = $5, assignee_id = $6 WHERE id = $7",
        )
        .bind(opened)
        .bind(opened + rng.gen_range(1..6) * 24 * HOUR)
        .bind(closed)
        .bind(if closed.is_some() { "closed" } else { "open" })
        .bind(closed.map(|_| outcomes[rng.gen_range(0..3)]))
        .bind(owners[rng.gen_range(0..owners.len())])
        .bind(follow_up)
        .execute(&app.db)
        .await
        .unwrap();
    }

    let drills = scene.drills("Feedback").await;
    for d in &drills {
        let (at, total, items) = (&d.at, d.total, &d.items);
        let s = scores(items);
        let n = s.len();
        assert_eq!(n as i64, total, "{at}: the list holds its total");
        let got = match d.key.as_str() {
            "feedback_answers" | "follow_ups_on_time" | "follow_ups_overdue" | "unreachable" => {
                Some(total as f64)
            }
            "nps" => (n > 0).then(|| {
                let promoters = s.iter().filter(|&&x| x >= 9).count() as f64;
                let detractors = s.iter().filter(|&&x| x <= 6).count() as f64;
                ((promoters - detractors) * 100.0 / n as f64).round()
            }),
            "csat" => percent(s.iter().filter(|&&x| x >= 4).count(), n),
            "ces" => percent(s.iter().filter(|&&x| x >= 5).count(), n),
            "ces_mean" => {
                (n > 0).then(|| (s.iter().sum::<i64>() as f64 * 10.0 / n as f64).round() / 10.0)
            }
            "lukewarm_share" => {
                let answers = d.other("feedback_answers").unwrap() as usize;
                percent(n, answers)
            }
            "good_hid_problem" => {
                let found = items
                    .iter()
                    .filter(|i| i["outcome"] == "problem_found")
                    .count();
                percent(found, n)
            }
            other => panic!("{other} ({}) has records but no check here", d.group),
        };
        assert_eq!(got, d.value(), "{at}");
    }
    assert_eq!(drills.len(), WEEKS.len() * scene.scopes.len() * 10);
    // The data reaches every kind of figure somewhere, or the checks above prove little.
    for key in [
        "nps",
        "csat",
        "ces",
        "follow_ups_on_time",
        "follow_ups_overdue",
        "good_hid_problem",
        "unreachable",
    ] {
        assert!(
            drills
                .iter()
                .any(|d| d.key == key && d.value().unwrap_or(0.0) != 0.0),
            "{key} is never above zero"
        );
    }
}

#[tokio::test]
async fn every_story_figure_of_every_scope_and_week_totals_exactly_its_records() {
    let scene = scene().await;
    let (app, staff) = (&scene.app, &scene.staff);
    let tellers: Vec<i64> = scene.owners.iter().flatten().copied().collect();
    let mut rng = seeded_rng();
    let first = W38_MONDAY - 7 * 24 * HOUR;
    let when = |rng: &mut rand::rngs::StdRng| first + rng.gen_range(0..35 * 24) * HOUR;
    for _ in 0..45 {
        let id = logged_story(app, staff, &[]).await;
        let day = chrono::DateTime::from_timestamp_millis(when(&mut rng))
            .unwrap()
            .date_naive()
            .to_string();
        let spotlighted = rng.gen_bool(0.3).then(|| when(&mut rng));
        sqlx::query(
            "UPDATE stories SET occurred_on = $1, associate_id = $2, spotlighted_at = $3 WHERE id = $4",
        )
        .bind(day)
        .bind(tellers[rng.gen_range(0..tellers.len())])
        .bind(spotlighted)
        .bind(id)
        .execute(&app.db)
        .await
        .unwrap();
        // Kudos from some colleagues, given over the weeks around.
        for giver in &tellers {
            if rng.gen_bool(0.4) {
                sqlx::query(
                    "INSERT INTO story_kudos (story_id, staff_id, created_at) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(giver)
                .bind(when(&mut rng))
                .execute(&app.db)
                .await
                .unwrap();
            }
        }
    }

    let drills = scene.drills("Stories").await;
    for d in &drills {
        let (at, total, items) = (&d.at, d.total, &d.items);
        assert_eq!(items.len() as i64, total, "{at}: the list holds its total");
        let got = match d.key.as_str() {
            "stories" | "spotlighted" => total,
            "associates_with_story" => items
                .iter()
                .map(|s| s["associate_id"].as_i64().unwrap())
                .collect::<std::collections::BTreeSet<_>>()
                .len() as i64,
            "kudos" => items.iter().map(|s| s["kudos"].as_i64().unwrap()).sum(),
            other => panic!("{other} ({}) has records but no check here", d.group),
        };
        assert_eq!(Some(got as f64), d.value(), "{at}");
    }
    assert_eq!(drills.len(), WEEKS.len() * scene.scopes.len() * 4);
    for key in ["stories", "associates_with_story", "kudos", "spotlighted"] {
        assert!(
            drills
                .iter()
                .any(|d| d.key == key && d.value().unwrap_or(0.0) > 0.0),
            "{key} is never above zero"
        );
    }
}

#[tokio::test]
async fn every_advocacy_figure_of_every_scope_and_week_totals_exactly_its_records() {
    let scene = scene().await;
    let (app, staff, owners) = (&scene.app, &scene.staff, scene.owners);
    let mut rng = seeded_rng();
    let referrer = customer(app, staff, "Ana Advocate", "c-2").await;
    // Word of mouth is attributed to an incident's assignee, else a story's associate.
    let mut incidents = Vec::new();
    let mut stories = Vec::new();
    let first = W38_MONDAY - 7 * 24 * HOUR;
    let mut recovered_at = None;
    for n in 0..6 {
        // The referrer's own incidents, half of them recovered with money in the weeks shown:
        // return on recovery weighs what followed against that spend.
        let id = log_incident(app, staff, "c-2", "complaint").await;
        let at = first + rng.gen_range(0..35 * 24) * HOUR;
        recovered_at = recovered_at.or(Some(at));
        sqlx::query("UPDATE incidents SET assignee_id = $1, detected_at = $2 WHERE id = $3")
            .bind(owners[rng.gen_range(0..owners.len())])
            .bind(at)
            .bind(id)
            .execute(&app.db)
            .await
            .unwrap();
        if n % 2 == 0 {
            applied_action(app, staff, id, "12.50", "USD", at).await;
        }
        incidents.push(id);
        let story = logged_story(app, staff, &[]).await;
        sqlx::query("UPDATE stories SET associate_id = $1 WHERE id = $2")
            .bind(owners[rng.gen_range(0..3)])
            .bind(story)
            .execute(&app.db)
            .await
            .unwrap();
        stories.push(story);
    }
    // The referrer orders again an hour after the first recovery, so whatever the draw, some
    // week's return on recovery is above zero.
    let back = recovered_at.unwrap() + HOUR;
    sqlx::query(
        "INSERT INTO orders (external_id, customer_id, amount_minor, currency, placed_at, created_at)
         VALUES ('o-back', $1, 4000, 'USD', $2, $2)",
    )
    .bind(referrer)
    .bind(back)
    .execute(&app.db)
    .await
    .unwrap();
    let mut referred_customers = Vec::new();
    for n in 0..3 {
        referred_customers
            .push(customer(app, staff, &format!("Friend {n}"), &format!("f-{n}")).await);
    }
    // Orders of referred customers count as referral revenue in the week they are placed;
    // euros from 2026-W40 on have a rate, earlier ones are counted apart.
    for n in 0..40 {
        sqlx::query(
            "INSERT INTO orders (external_id, customer_id, amount_minor, currency, placed_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(format!("o-{n}"))
        .bind(referred_customers[rng.gen_range(0..3)])
        .bind(rng.gen_range(100..20_000_i64))
        .bind(["USD", "EUR"][rng.gen_range(0..2)])
        .bind(first + rng.gen_range(0..35 * 24) * HOUR)
        .execute(&app.db)
        .await
        .unwrap();
    }
    let res = app
        .api_put(
            &scene.token,
            "/api/v1/rates",
            &serde_json::json!([{"currency": "EUR", "from": "2026-09-28", "rate": "1.1"}]),
        )
        .await;
    assert_eq!(res.status(), 200);
    for n in 0..80 {
        let at = first + rng.gen_range(0..35 * 24) * HOUR;
        let (incident, story) = match rng.gen_range(0..3) {
            0 => (Some(incidents[rng.gen_range(0..6)]), None),
            1 => (None, Some(stories[rng.gen_range(0..6)])),
            _ => (None, None),
        };
        if n % 2 == 0 {
            // A prospect, with or without revenue recorded, or one of the customers who order
            // (each is referred once).
            let referred = match n % 8 {
                0 => referred_customers.pop(),
                _ => None,
            };
            let revenue = [0, rng.gen_range(100..90_000_i64)][rng.gen_range(0..2)];
            sqlx::query(
                "INSERT INTO referrals (referrer_id, referred_customer_id, prospect_name, converted,
                     revenue_minor, currency, source, incident_id, story_id, occurred_at,
                     created_by_label, created_at)
                 VALUES ($1, $2, 'A friend', $3, $4, $5, 'staff', $6, $7, $8, 'Test', $8)",
            )
            .bind(referrer)
            .bind(referred)
            .bind(i64::from(rng.gen_bool(0.5)))
            .bind(revenue)
            .bind(["USD", "EUR"][rng.gen_range(0..2)])
            .bind(incident)
            .bind(story)
            .bind(at)
            .execute(&app.db)
            .await
            .unwrap();
        } else {
            sqlx::query(
                "INSERT INTO advocacy_events (customer_id, kind, platform, audience, sentiment,
                     occurred_at, incident_id, story_id, created_by_label, created_at)
                 VALUES ($1, 'post', 'Instagram', $2, 'positive', $3, $4, $5, 'Test', $3)",
            )
            .bind(referrer)
            .bind(rng.gen_range(0..500_i64))
            .bind(at)
            .bind(incident)
            .bind(story)
            .execute(&app.db)
            .await
            .unwrap();
        }
    }

    let drills = scene.drills("Advocacy").await;
    assert!(
        drills.iter().any(|d| d.figure["unconverted"]
            .as_array()
            .is_some_and(|u| !u.is_empty())),
        "some week has euros without a rate"
    );
    for d in &drills {
        let (at, total, items) = (&d.at, d.total, &d.items);
        assert_eq!(items.len() as i64, total, "{at}: the list holds its total");
        if d.key == "return_on_recovery" {
            // A ratio: what followed the listed recoveries against what they cost.
            let body: Value = app
                .api_get(&scene.token, d.figure["records"].as_str().unwrap())
                .await
                .json()
                .await
                .unwrap();
            let f = &body["figures"];
            assert_eq!(f["recoveries"], total, "{at}");
            let minor = |k: &str| f[k].as_i64().unwrap() as f64;
            let spend = minor("spend_minor");
            let ratio = (spend > 0.0).then(|| {
                let back = minor("revenue_after_minor") + minor("referral_revenue_after_minor");
                (back / spend * 10.0).round() / 10.0
            });
            assert_eq!(ratio, d.value(), "{at}");
            continue;
        }
        let got = match d.key.as_str() {
            "referrals" => total,
            "conversions" => {
                assert!(items.iter().all(|r| r["converted"] == true), "{at}");
                total
            }
            "audience_reached" => items.iter().map(|p| p["audience"].as_i64().unwrap()).sum(),
            "referral_revenue" => {
                // Amounts without a rate are left out of the sum and counted apart, per currency.
                let mut unrated = std::collections::BTreeMap::<String, i64>::new();
                for x in items.iter().filter(|x| x["converted_minor"].is_null()) {
                    *unrated
                        .entry(x["currency"].as_str().unwrap().into())
                        .or_default() += 1;
                }
                let listed: std::collections::BTreeMap<String, i64> = d.figure["unconverted"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|u| {
                        (
                            u["currency"].as_str().unwrap().into(),
                            u["amounts"].as_i64().unwrap(),
                        )
                    })
                    .collect();
                assert_eq!(unrated, listed, "{at}: amounts without a rate");
                items
                    .iter()
                    .filter_map(|x| x["converted_minor"].as_i64())
                    .sum()
            }
            other => panic!("{other} ({}) has records but no check here", d.group),
        };
        assert_eq!(Some(got as f64), d.value(), "{at}");
    }
    assert_eq!(drills.len(), WEEKS.len() * scene.scopes.len() * 5);
    for key in [
        "referrals",
        "conversions",
        "audience_reached",
        "referral_revenue",
        "return_on_recovery",
    ] {
        assert!(
            drills
                .iter()
                .any(|d| d.key == key && d.value().unwrap_or(0.0) > 0.0),
            "{key} is never above zero"
        );
    }
}
