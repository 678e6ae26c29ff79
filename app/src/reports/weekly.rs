//! Reading the weekly report: the incident and advocacy figures defined here, the others from
//! the modules that own them, for a week and a scope.
use super::aggregates::{self, read, Counts};
use super::{metrics, AdvocacyFigures, IncidentFigures, TrendWeek, WeekFigures, WeeklyReport};
use crate::common::moment::{parse_week, week_label};
use crate::db::Db;
use crate::error::AppError;
use crate::loyalty::recovery_return;
use crate::loyalty::RecoveryReturn;
use crate::org::scope::StaffScope;
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use sqlx::AnyConnection;
use std::collections::BTreeMap;

/// The Monday of the last complete week in `tz`: the week a Monday-morning review is about.
pub fn last_complete_week(tz: Tz, now: i64) -> NaiveDate {
    crate::org::clock::monday_of(tz, now) - Duration::days(7)
}

/// The week named by `label` ("" = the last complete week).
pub fn week_of(label: &str, tz: Tz, now: i64) -> Result<NaiveDate, AppError> {
    match label.trim() {
        "" => Ok(last_complete_week(tz, now)),
        l => parse_week(l).map_err(|m| AppError::field("week", m)),
    }
}

fn incident_figures(c: &Counts, times: &[(f64, i64)]) -> IncidentFigures {
    let get = |k: &str| c.get(k).copied().unwrap_or(0);
    IncidentFigures {
        opened: get("opened"),
        proactive: get("proactive"),
        proactive_share: metrics::share(get("proactive"), get("opened")),
        resolved: get("resolved"),
        recovery_hours_median: metrics::median_of_counts(times),
        recovery_hours_p90: metrics::percentile_of_counts(times, 90.0),
        recovery_spend_minor: get("spend"),
    }
}

fn advocacy_figures(c: &Counts) -> AdvocacyFigures {
    let get = |k: &str| c.get(k).copied().unwrap_or(0);
    AdvocacyFigures {
        referrals: get("referrals"),
        conversions: get("conversions"),
        referral_revenue_minor: get("referral_revenue"),
        audience_reached: get("audience"),
    }
}

/// The figures return on recovery adds up.
const RETURN_FIGURES: [&str; 9] = [
    "rec_recoveries",
    "rec_spend",
    "rec_orders_after",
    "rec_revenue_after",
    "rec_revenue_before",
    "rec_referral_revenue_after",
    "rec_attributed_referrals",
    "rec_attributed_posts",
    "rec_attributed_audience",
];

/// Return on recovery for the recoveries of the 52 weeks ending with `monday`'s.
async fn rolling_return(
    conn: &mut AnyConnection,
    scope: StaffScope,
    monday: NaiveDate,
) -> Result<RecoveryReturn, AppError> {
    let from = monday - Duration::days(7 * 51);
    let sums = read::totals(conn, scope, (from, monday), &RETURN_FIGURES).await?;
    let sum = |k: &str| sums.get(k).copied().unwrap_or(0);
    let mut unrated: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for (figure, currency, n) in unrated_counts(&sums) {
        if let Some(figure) = figure.strip_prefix("rec_") {
            unrated
                .entry(figure.into())
                .or_default()
                .insert(currency, n);
        }
    }
    Ok(RecoveryReturn {
        window_days: recovery_return::WINDOW_DAYS,
        recoveries: sum("rec_recoveries"),
        spend_minor: sum("rec_spend"),
        orders_after: sum("rec_orders_after"),
        revenue_after_minor: sum("rec_revenue_after"),
        revenue_before_minor: sum("rec_revenue_before"),
        referral_revenue_after_minor: sum("rec_referral_revenue_after"),
        attributed_referrals: sum("rec_attributed_referrals"),
        attributed_posts: sum("rec_attributed_posts"),
        attributed_audience: sum("rec_attributed_audience"),
        unrated,
        ..Default::default()
    })
}

/// The stored counts of amounts without a rate, as (figure, currency, how many).
fn unrated_counts(c: &Counts) -> impl Iterator<Item = (String, String, i64)> + '_ {
    c.iter().filter_map(|(k, n)| {
        let (figure, currency) = k.split_once(aggregates::compute::UNRATED)?;
        Some((figure.to_string(), currency.to_string(), *n))
    })
}

/// Follow-ups overdue now for a scope: the unfinished week's figure moves with the clock.
async fn overdue_now(
    conn: &mut AnyConnection,
    scope: StaffScope,
    now: i64,
) -> Result<i64, AppError> {
    let members: Option<Vec<i64>> = match scope {
        StaffScope::Organisation => None,
        StaffScope::Associate(a) => Some(vec![a]),
        StaffScope::Team(t) => Some(
            sqlx::query_scalar("SELECT id FROM staff_users WHERE team_id = $1")
                .bind(t)
                .fetch_all(&mut *conn)
                .await?,
        ),
    };
    Ok(crate::feedback::figures::overdue_by_owner(conn, now)
        .await?
        .into_iter()
        .filter(|(owner, _)| members.as_ref().is_none_or(|m| m.contains(owner)))
        .map(|(_, n)| n)
        .sum())
}

/// The figures for the weeks from `first` to `last` (trend weeks need no story roster or
/// return on recovery; the two `full` weeks, the report's and the one before, get them).
async fn weeks_figures(
    db: &Db,
    tz: Tz,
    scope: StaffScope,
    (first, last): (NaiveDate, NaiveDate),
    full: [NaiveDate; 2],
    now: i64,
) -> Result<BTreeMap<NaiveDate, WeekFigures>, AppError> {
    let rolling_from = full.iter().min().copied().unwrap_or(first) - Duration::days(7 * 51);
    let needed: Vec<NaiveDate> = std::iter::successors(Some(rolling_from.min(first)), |w| {
        Some(*w + Duration::days(7)).filter(|n| *n <= last)
    })
    .collect();
    aggregates::refresh::refresh_in_zone(db, tz, &needed, now).await?;
    let unfinished = crate::org::clock::week_range(tz, last).1 > now;
    // The weekly series and each full week's extras (story roster, return on recovery) read
    // side by side on their own connections: a report waits for the slowest only.
    let series = async {
        let mut conn = db.acquire().await?;
        let counts = read::counts(&mut conn, scope, (first, last)).await?;
        let times = read::times(&mut conn, scope, (first, last)).await?;
        let overdue = match unfinished {
            true => Some(overdue_now(&mut conn, scope, now).await?),
            false => None,
        };
        Ok::<_, AppError>((counts, times, overdue))
    };
    let extras = |w: NaiveDate| async move {
        let mut conn = db.acquire().await?;
        let roster = read::associates_with_story(&mut conn, scope, w).await?;
        Ok::<_, AppError>((w, (roster, rolling_return(&mut conn, scope, w).await?)))
    };
    let ((counts, times, overdue), before, this) =
        tokio::try_join!(series, extras(full[0]), extras(full[1]))?;
    let mut extras = BTreeMap::from([before, this]);
    let empty = Counts::new();
    let mut out = BTreeMap::new();
    let mut w = first;
    while w <= last {
        let c = counts.get(&w).unwrap_or(&empty);
        let mut feedback =
            crate::feedback::figures::Counts::from_entries(|k| c.get(k).copied().unwrap_or(0));
        if let Some(overdue) = overdue.filter(|_| crate::org::clock::week_range(tz, w).1 > now) {
            feedback.overdue = overdue;
        }
        let mut figures = WeekFigures {
            week: week_label(w),
            incidents: incident_figures(c, times.get(&w).map(Vec::as_slice).unwrap_or(&[])),
            feedback: crate::feedback::figures::FeedbackFigures::from_counts(&feedback),
            advocacy: advocacy_figures(c),
            ..Default::default()
        };
        for (figure, currency, n) in unrated_counts(c) {
            if !figure.starts_with("rec_") {
                figures
                    .unrated
                    .entry(figure)
                    .or_default()
                    .insert(currency, n);
            }
        }
        if let Some(((active, with_story), recovery_return)) = extras.remove(&w) {
            figures.stories.active_associates = active;
            figures.stories.associates_with_story = with_story;
            figures.recovery_return = recovery_return;
        }
        let get = |k: &str| c.get(k).copied().unwrap_or(0);
        figures.stories.week = week_label(w);
        figures.stories.stories = get("stories");
        figures.stories.kudos = get("kudos");
        figures.stories.spotlighted = get("spotlighted");
        figures.stories.turned_around = get("turned_around");
        out.insert(w, figures);
        w += Duration::days(7);
    }
    Ok(out)
}

/// The name of a scope for headings, or NotFound for a team or person that does not exist.
pub async fn scope_name(db: &Db, scope: StaffScope) -> Result<String, AppError> {
    let found: Option<String> = match scope {
        StaffScope::Organisation => return Ok("Whole organisation".into()),
        StaffScope::Team(id) => sqlx::query_scalar("SELECT name FROM teams WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?
            .map(|n: String| format!("Team {n}")),
        StaffScope::Associate(id) => {
            sqlx::query_scalar("SELECT name FROM staff_users WHERE id = $1")
                .bind(id)
                .fetch_optional(db)
                .await?
        }
    };
    found.ok_or_else(|| AppError::NotFound("This team or person".into()))
}

/// The report for a week and scope, with the week before and a twelve-week trend, read from
/// the weekly aggregates.
pub async fn report(
    db: &Db,
    week: &str,
    scope: StaffScope,
    now: i64,
) -> Result<WeeklyReport, AppError> {
    let tz = crate::org::clock::time_zone(db).await?;
    let monday = week_of(week, tz, now)?;
    let scope_name = scope_name(db, scope).await?;
    let previous = monday - Duration::days(7);
    // The figures and the lists read different tables on their own connections, so they are
    // read side by side: the database does the work, and a report waits for the slower only.
    let full = [previous, monday];
    let (weeks, lists) = tokio::try_join!(
        weeks_figures(
            db,
            tz,
            scope,
            (monday - Duration::days(7 * 11), monday),
            full,
            now,
        ),
        super::lists::for_week(db, tz, monday, scope, super::lists::PAGE_ROWS, now),
    )?;
    let this = weeks[&monday].clone();
    let before = weeks[&previous].clone();
    let trend = weeks
        .iter()
        .map(|(day, figures)| {
            let laid_out = super::figures_of(figures, figures, scope);
            TrendWeek {
                week: week_label(*day),
                values: super::TREND_KEYS
                    .iter()
                    .map(|k| laid_out.iter().find(|f| f.key == *k).and_then(|f| f.value))
                    .collect(),
            }
        })
        .collect();
    let currency = crate::org::money::queries::currency(db).await?;
    let (from, to) = crate::org::clock::week_range(tz, monday);
    Ok(WeeklyReport {
        week: this.week.clone(),
        previous_week: before.week.clone(),
        from,
        to,
        scope,
        scope_name,
        currency,
        figures: super::figures_of(&this, &before, scope),
        trend_keys: super::TREND_KEYS.iter().map(|k| k.to_string()).collect(),
        trend,
        lists,
    })
}
