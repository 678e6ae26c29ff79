//! Every weekly figure whose list the API serves drills down to exactly its records: on random
//! incidents, for the organisation, each team and a person, over several weeks, following a
//! figure's `records` yields a list whose `total` is the figure, and the times to recover
//! recomputed from the listed incidents are the figure's median and 90th percentile.
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

#[tokio::test]
async fn every_incident_figure_of_every_scope_and_week_totals_exactly_its_listed_records() {
    let app = spawn_app().await;
    let token = api_token(&app, "Drill-down").await;
    let admin = app.staff_browser("admin").await;
    let (a1, staff) = staff_with_id(&app, "associate").await;
    let (a2, _) = staff_with_id(&app, "associate").await;
    let (a3, _) = staff_with_id(&app, "associate").await;
    let front = team(&app, &admin, "Front desk", &[a1, a2]).await;
    let back = team(&app, &admin, "Back office", &[a3]).await;
    customer(&app, &staff, "Dana Reyes", "c-1").await;
    let mut rng = seeded_rng();
    let owners = [Some(a1), Some(a2), Some(a3), None];
    for _ in 0..70 {
        let id = log_incident(&app, &staff, "c-1", "complaint").await;
        // Detected from a week before the first reported week to its last, resolved (or not)
        // up to five days later, so incidents cross weeks both ways.
        let detected = W38_MONDAY - 7 * 24 * HOUR + rng.gen_range(0..35 * 24) * HOUR;
        let resolved = rng
            .gen_bool(0.7)
            .then(|| detected + rng.gen_range(1..120) * HOUR + rng.gen_range(0..HOUR));
        // Money first: a resolved incident takes no more actions.
        if rng.gen_bool(0.4) {
            let res = recovery_action(&app, &staff, id, "refund", "5.00", "USD").await;
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

    let scopes = [
        String::new(),
        format!("&team={front}"),
        format!("&team={back}"),
        format!("&associate={a1}"),
    ];
    let mut checked = 0;
    for week in WEEKS {
        for scope in &scopes {
            let res = app
                .api_get(
                    &token,
                    &format!("/api/v1/reports/weekly?week={week}{scope}"),
                )
                .await;
            assert_eq!(res.status(), 200);
            let report: Value = res.json().await.unwrap();
            let value = |key: &str| figure(&report, key)["value"].as_f64();
            for f in report["figures"].as_array().unwrap() {
                let Some(records) = f["records"].as_str() else {
                    continue;
                };
                let key = f["key"].as_str().unwrap();
                let at = format!("{key} in {week}{scope}: {records}");
                let (total, items) = follow(&app, &token, records).await;
                match key {
                    "incidents_opened" | "incidents_resolved" => {
                        assert_eq!(Some(total as f64), f["value"].as_f64(), "{at}")
                    }
                    "proactive_share" => {
                        let opened = value("incidents_opened").unwrap();
                        let share =
                            (opened > 0.0).then(|| (total as f64 * 1000.0 / opened).round() / 10.0);
                        assert_eq!(share, f["value"].as_f64(), "{at}");
                    }
                    "recovery_hours_median" => {
                        assert_eq!(recovery_hours(&items).0, two(f), "{at}")
                    }
                    "recovery_hours_p90" => {
                        assert_eq!(recovery_hours(&items).1, two(f), "{at}")
                    }
                    "recovery_spend" => {
                        // Every listed incident had money applied in the week, 5.00 each time.
                        let ids: Vec<String> = items.iter().map(|i| i["id"].to_string()).collect();
                        let range = format!(
                            "COALESCE(decided_at, created_at) >= {} AND COALESCE(decided_at, created_at) < {}",
                            report["from"], report["to"]
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
                        assert_eq!(Some(applied as f64 * 500.0), f["value"].as_f64(), "{at}");
                    }
                    other => panic!("{other} has records but no check here"),
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, WEEKS.len() * scopes.len() * 6);
}
