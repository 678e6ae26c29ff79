//! Reading the playbook's cases: incidents of a category (and severity) whose 90 days after the
//! first recovery action are over, with their applied actions and what the customer did in
//! those days. An incident without an action is judged from its detection.
use super::stats::{breakdowns, row, Case, Outcomes, Speed};
use super::{CategoryChoice, Playbook, HISTORY_DAYS, WINDOW_DAYS};
use crate::db::{Db, Sql};
use crate::error::AppError;
use sqlx::Row;
use std::collections::HashMap;

const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;

/// Which incidents the playbook reads.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub category: Option<i64>,
    /// `minor`, `major` or `critical`.
    pub severity: Option<&'static str>,
}

impl Filter {
    /// From `category` (an id or a name) and `severity` ("" = all).
    pub async fn parse(db: &Db, category: &str, severity: &str) -> Result<Self, AppError> {
        let category = match category.trim() {
            "" => None,
            c => {
                let found: Option<i64> = match c.parse::<i64>() {
                    Ok(id) => {
                        sqlx::query_scalar("SELECT id FROM incident_categories WHERE id = $1")
                            .bind(id)
                            .fetch_optional(db)
                            .await?
                    }
                    Err(_) => {
                        sqlx::query_scalar(
                            "SELECT id FROM incident_categories WHERE LOWER(name) = LOWER($1)",
                        )
                        .bind(c.to_string())
                        .fetch_optional(db)
                        .await?
                    }
                };
                Some(found.ok_or_else(|| {
                    AppError::field("category", "No incident category has that id or name.")
                })?)
            }
        };
        let severity = match severity.trim() {
            "" => None,
            s => Some(
                ["minor", "major", "critical"]
                    .into_iter()
                    .find(|k| *k == s)
                    .ok_or_else(|| {
                        AppError::field("severity", "Choose minor, major or critical.")
                    })?,
            ),
        };
        Ok(Self { category, severity })
    }

    fn narrow(&self, q: &mut Sql) {
        if let Some(c) = self.category {
            q.push(" AND i.category_id = ").bind(c);
        }
        if let Some(s) = self.severity {
            q.push(" AND i.severity = ").bind(s);
        }
    }
}

/// The playbook for `filter` at `now`.
pub async fn playbook(db: &Db, filter: &Filter, now: i64) -> Result<Playbook, AppError> {
    let tz = crate::org::clock::time_zone(db).await?;
    let mut conn = db.acquire().await?;
    let rates = crate::org::money::queries::rates(&mut conn, tz).await?;
    let window = WINDOW_DAYS * DAY;
    let mature = now - window;
    let since = mature - HISTORY_DAYS * DAY;

    let mut q = Sql::new(
        "SELECT x.id, x.proactive, x.detected_at, x.t,
            CAST(CASE WHEN EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = x.customer_id
                AND o.placed_at > x.t AND o.placed_at <= x.t + ",
    );
    q.bind(window)
        .push(
            ") THEN 1 ELSE 0 END AS BIGINT) AS ordered,
            CAST(CASE WHEN EXISTS (SELECT 1 FROM referrals r WHERE r.referrer_id = x.customer_id
                AND r.occurred_at > x.t AND r.occurred_at <= x.t + ",
        )
        .bind(window)
        .push(
            ") THEN 1 ELSE 0 END AS BIGINT) AS referred,
            CAST(CASE WHEN EXISTS (SELECT 1 FROM advocacy_events e WHERE e.customer_id = x.customer_id
                AND e.sentiment <> 'negative' AND e.occurred_at > x.t AND e.occurred_at <= x.t + ",
        )
        .bind(window)
        .push(
            ") THEN 1 ELSE 0 END AS BIGINT) AS posted,
            (SELECT f.score FROM feedback f WHERE f.customer_id = x.customer_id AND f.score_type = 'nps'
                AND f.received_at > x.t AND f.received_at <= x.t + ",
        )
        .bind(window)
        .push(
            " ORDER BY f.received_at, f.id LIMIT 1) AS next_nps
         FROM (SELECT i.id, i.customer_id, i.proactive, i.detected_at,
                  COALESCE((SELECT MIN(COALESCE(a.decided_at, a.created_at)) FROM recovery_actions a
                            WHERE a.incident_id = i.id AND a.status = 'applied'), i.detected_at) AS t
               FROM incidents i WHERE i.detected_at >= ",
        )
        .bind(since);
    filter.narrow(&mut q);
    q.push(") x");
    let rows = q.query().fetch_all(&mut *conn).await?;

    let mut a = Sql::new(
        "SELECT a.incident_id, a.kind, a.amount_minor, a.currency, COALESCE(a.decided_at, a.created_at) AS at
         FROM recovery_actions a JOIN incidents i ON i.id = a.incident_id
         WHERE a.status = 'applied' AND i.detected_at >= ",
    );
    a.bind(since);
    filter.narrow(&mut a);
    a.push(" ORDER BY a.incident_id, at, a.id");
    let mut actions: HashMap<i64, Vec<(String, i64, String, i64)>> = HashMap::new();
    for r in a.query().fetch_all(&mut *conn).await? {
        actions.entry(r.try_get("incident_id")?).or_default().push((
            r.try_get("kind")?,
            r.try_get("amount_minor")?,
            r.try_get("currency")?,
            r.try_get("at")?,
        ));
    }

    let mut cases = Vec::new();
    let mut too_recent = 0;
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let t: i64 = r.try_get("t")?;
        if t > mature {
            too_recent += 1;
            continue;
        }
        let detected: i64 = r.try_get("detected_at")?;
        let done = actions.remove(&id).unwrap_or_default();
        let mut kinds: Vec<String> = Vec::new();
        let mut kind_amounts: Vec<(String, Option<i64>)> = Vec::new();
        for (kind, minor, currency, at) in &done {
            if !kinds.contains(kind) {
                kinds.push(kind.clone());
                kind_amounts.push((kind.clone(), Some(0)));
            }
            if *minor != 0 {
                let converted = rates.convert(currency, *at, *minor);
                if let Some((_, sum)) = kind_amounts.iter_mut().find(|(k, _)| k == kind) {
                    *sum = sum.and_then(|s| Some(s + converted?));
                }
            }
        }
        let amount = kind_amounts
            .iter()
            .try_fold(0i64, |total, (_, m)| m.map(|m| total + m));
        let speed = match done.first() {
            None => Speed::NoAction,
            Some(_) if t - detected < HOUR => Speed::UnderHour,
            Some(_)
                if crate::org::clock::day_of(tz, t) == crate::org::clock::day_of(tz, detected) =>
            {
                Speed::SameDay
            }
            Some(_) => Speed::Later,
        };
        let next_nps: Option<i64> = r.try_get("next_nps")?;
        cases.push(Case {
            incident: id,
            proactive: r.try_get::<i64, _>("proactive")? != 0,
            kinds,
            speed,
            amount_minor: amount,
            kind_amounts,
            outcomes: Outcomes {
                ordered_again: r.try_get::<i64, _>("ordered")? != 0,
                referred: r.try_get::<i64, _>("referred")? != 0,
                posted: r.try_get::<i64, _>("posted")? != 0,
                promoter: next_nps.map(|s| s >= 9),
            },
        });
    }
    let decimals = crate::common::currencies::decimals(&rates.currency).unwrap_or(2);
    let (groups, approaches) = breakdowns(&cases, decimals);
    let all: Vec<&Case> = cases.iter().collect();
    let categories: Vec<CategoryChoice> = sqlx::query_as::<_, (i64, String)>(
        "SELECT id, name FROM incident_categories ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(id, name)| CategoryChoice { id, name })
    .collect();
    Ok(Playbook {
        category: filter
            .category
            .and_then(|c| categories.iter().find(|k| k.id == c).cloned()),
        severity: filter.severity.map(str::to_string),
        currency: rates.currency.clone(),
        window_days: WINDOW_DAYS,
        min_cases: super::MIN_CASES,
        cases: cases.len() as i64,
        too_recent,
        baseline: row("all", "All recoveries", None, &all),
        groups,
        approaches,
        categories,
    })
}
