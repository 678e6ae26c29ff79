//! Reading the weekly report: the incident and advocacy figures defined here, the others from
//! the modules that own them, for a week and a scope.
use super::{metrics, AdvocacyFigures, IncidentFigures, TrendWeek, WeekFigures, WeeklyReport};
use crate::db::Db;
use crate::error::AppError;
use crate::loyalty::recovery_return::{self, Scope};
use crate::org::scope::StaffScope;
use crate::stories::cadence::{parse_week, week_label};
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use sqlx::Row;

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

/// A number for a statement bound as ($1 from, $2 to, $3 team, $4 associate).
async fn number(
    db: &Db,
    sql: &str,
    (from, to): (i64, i64),
    scope: StaffScope,
) -> Result<i64, AppError> {
    let (team, associate) = scope.binds();
    Ok(sqlx::query_scalar(sql)
        .bind(from)
        .bind(to)
        .bind(team)
        .bind(associate)
        .fetch_one(db)
        .await?)
}

pub async fn incidents(
    db: &Db,
    (from, to): (i64, i64),
    scope: StaffScope,
) -> Result<IncidentFigures, AppError> {
    let (team, associate) = scope.binds();
    let in_scope = StaffScope::clause("assignee_id", 3, 4);
    let opened = sqlx::query(&format!(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(proactive), 0) AS BIGINT) AS proactive FROM incidents
         WHERE detected_at >= $1 AND detected_at < $2 AND {in_scope}"
    ))
    .bind(from)
    .bind(to)
    .bind(team)
    .bind(associate)
    .fetch_one(db)
    .await?;
    let durations: Vec<f64> = sqlx::query_as::<_, (i64, i64)>(&format!(
        "SELECT detected_at, resolved_at FROM incidents
         WHERE resolved_at >= $1 AND resolved_at < $2 AND {in_scope}"
    ))
    .bind(from)
    .bind(to)
    .bind(team)
    .bind(associate)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|(detected, resolved)| metrics::hours(resolved - detected))
    .collect();
    let spend = number(
        db,
        &format!(
            "SELECT CAST(COALESCE(SUM(a.amount_minor), 0) AS BIGINT) FROM recovery_actions a
             JOIN incidents i ON i.id = a.incident_id
             WHERE a.status = 'applied' AND COALESCE(a.decided_at, a.created_at) >= $1
               AND COALESCE(a.decided_at, a.created_at) < $2 AND {}",
            StaffScope::clause("i.assignee_id", 3, 4)
        ),
        (from, to),
        scope,
    )
    .await?;
    let n: i64 = opened.try_get("n")?;
    let proactive: i64 = opened.try_get("proactive")?;
    Ok(IncidentFigures {
        opened: n,
        proactive,
        proactive_share: metrics::share(proactive, n),
        resolved: durations.len() as i64,
        recovery_hours_median: metrics::median(&durations),
        recovery_hours_p90: metrics::percentile(&durations, 90.0),
        recovery_spend_minor: spend,
    })
}

/// Referrals and posts in the week. For a team or an associate: those staff attributed to
/// their incidents or stories.
pub async fn advocacy(
    db: &Db,
    (from, to): (i64, i64),
    scope: StaffScope,
) -> Result<AdvocacyFigures, AppError> {
    let (team, associate) = scope.binds();
    let attributed = format!(
        "(($3 = 0 AND $4 = 0)
          OR EXISTS (SELECT 1 FROM incidents i WHERE i.id = x.incident_id AND {})
          OR EXISTS (SELECT 1 FROM stories s WHERE s.id = x.story_id AND {}))",
        StaffScope::clause("i.assignee_id", 3, 4),
        StaffScope::clause("s.associate_id", 3, 4)
    );
    let referrals = sqlx::query(&format!(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(x.converted), 0) AS BIGINT) AS converted,
                CAST(COALESCE(SUM(CASE WHEN x.referred_customer_id IS NULL THEN x.revenue_minor ELSE 0 END), 0) AS BIGINT) AS prospects
         FROM referrals x WHERE x.occurred_at >= $1 AND x.occurred_at < $2 AND {attributed}"
    ))
    .bind(from)
    .bind(to)
    .bind(team)
    .bind(associate)
    .fetch_one(db)
    .await?;
    let referred_orders = number(
        db,
        &format!(
            "SELECT CAST(COALESCE(SUM(o.amount_minor), 0) AS BIGINT) FROM orders o
             JOIN referrals x ON x.referred_customer_id = o.customer_id
             WHERE o.placed_at >= $1 AND o.placed_at < $2 AND {attributed}"
        ),
        (from, to),
        scope,
    )
    .await?;
    let audience = number(
        db,
        &format!(
            "SELECT CAST(COALESCE(SUM(x.audience), 0) AS BIGINT) FROM advocacy_events x
             WHERE x.occurred_at >= $1 AND x.occurred_at < $2 AND {attributed}"
        ),
        (from, to),
        scope,
    )
    .await?;
    Ok(AdvocacyFigures {
        referrals: referrals.try_get("n")?,
        conversions: referrals.try_get("converted")?,
        referral_revenue_minor: referred_orders + referrals.try_get::<i64, _>("prospects")?,
        audience_reached: audience,
    })
}

/// Every figure for the week starting `monday`.
pub async fn week_figures(
    db: &Db,
    tz: Tz,
    monday: NaiveDate,
    scope: StaffScope,
    now: i64,
) -> Result<WeekFigures, AppError> {
    let range = crate::org::clock::week_range(tz, monday);
    let mut conn = db.acquire().await?;
    let recovery_return = recovery_return::figures(
        &mut conn,
        Scope {
            customer: None,
            from: range.1 - 364 * 86_400_000,
            to: range.1,
            staff: scope,
        },
        now,
    )
    .await?;
    drop(conn);
    Ok(WeekFigures {
        week: week_label(monday),
        incidents: incidents(db, range, scope).await?,
        feedback: crate::feedback::figures::for_range(db, range.0, range.1, now, scope).await?,
        stories: crate::stories::figures::for_week(db, tz, monday, scope).await?,
        advocacy: advocacy(db, range, scope).await?,
        recovery_return,
    })
}

/// Only what the trend draws (`TREND_KEYS`): incidents, feedback and stories.
async fn trend_figures(
    db: &Db,
    tz: Tz,
    monday: NaiveDate,
    scope: StaffScope,
    now: i64,
) -> Result<WeekFigures, AppError> {
    let range = crate::org::clock::week_range(tz, monday);
    Ok(WeekFigures {
        week: week_label(monday),
        incidents: incidents(db, range, scope).await?,
        feedback: crate::feedback::figures::for_range(db, range.0, range.1, now, scope).await?,
        stories: crate::stories::figures::for_week(db, tz, monday, scope).await?,
        ..Default::default()
    })
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

/// The report for a week and scope, with the week before and a twelve-week trend.
pub async fn report(
    db: &Db,
    week: &str,
    scope: StaffScope,
    now: i64,
) -> Result<WeeklyReport, AppError> {
    let tz = crate::org::clock::time_zone(db).await?;
    let monday = week_of(week, tz, now)?;
    let scope_name = scope_name(db, scope).await?;
    let this = week_figures(db, tz, monday, scope, now).await?;
    let before = week_figures(db, tz, monday - Duration::days(7), scope, now).await?;
    let mut trend = Vec::with_capacity(12);
    for back in (0..12).rev() {
        let day = monday - Duration::days(7 * back);
        let figures = if back == 0 {
            this.clone()
        } else if back == 1 {
            before.clone()
        } else {
            trend_figures(db, tz, day, scope, now).await?
        };
        let laid_out = super::figures_of(&figures, &figures, scope);
        trend.push(TrendWeek {
            week: week_label(day),
            values: super::TREND_KEYS
                .iter()
                .map(|k| laid_out.iter().find(|f| f.key == *k).and_then(|f| f.value))
                .collect(),
        });
    }
    let currency: Option<String> =
        sqlx::query_scalar("SELECT currency FROM orders ORDER BY placed_at DESC LIMIT 1")
            .fetch_optional(db)
            .await?;
    let (from, to) = crate::org::clock::week_range(tz, monday);
    Ok(WeeklyReport {
        week: this.week.clone(),
        previous_week: before.week.clone(),
        from,
        to,
        scope,
        scope_name,
        currency: currency.unwrap_or_else(|| "USD".into()),
        figures: super::figures_of(&this, &before, scope),
        trend_keys: super::TREND_KEYS.iter().map(|k| k.to_string()).collect(),
        trend,
        lists: super::lists::for_week(db, tz, monday, scope, super::lists::PAGE_ROWS, now).await?,
    })
}
