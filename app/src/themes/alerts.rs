//! Tells managers when a theme rises: well above its usual volume over the last seven days,
//! linking to the theme's texts; a theme told of is not told again for seven days, however the
//! burst falls across weeks.
use crate::audit::Actor;
use crate::db::{begin_write, Db};
use crate::error::AppError;
use crate::notifications::{notify_at, Kind, Note};
use crate::org::scope::StaffScope;
use chrono::Duration;

/// Notifies every active manager and admin of each theme rising over the seven days up to
/// `now`; returns how many notifications were written.
pub async fn announce_rising(db: &Db, now: i64) -> Result<usize, AppError> {
    let tz = crate::org::clock::time_zone(db).await?;
    let today = crate::org::clock::day_of(tz, now);
    let from = (today - Duration::days(6)).to_string();
    let to = today.to_string();
    let list = super::report::list(db, (&from, &to), StaffScope::Organisation, now).await?;
    let rising: Vec<_> = list.themes.into_iter().filter(|t| t.rising).collect();
    if rising.is_empty() {
        return Ok(0);
    }
    let by = Actor::system("Themes");
    let mut tx = begin_write(db).await?;
    let managers: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM staff_users WHERE active = 1 AND role IN ('manager', 'admin') ORDER BY id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut sent = 0;
    for theme in &rising {
        let told: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE kind = $1 AND dedupe_key LIKE $2 AND created_at > $3",
        )
        .bind(Kind::ThemeRising.as_str())
        .bind(format!("theme:{}:%", theme.id))
        .bind(now - 7 * 86_400_000)
        .fetch_one(&mut *tx)
        .await?;
        if told > 0 {
            continue;
        }
        let title = format!(
            "Customers are talking about “{}”: {} texts in the last 7 days, usually {:.1}",
            theme.name, theme.count, theme.usual_count
        );
        let link = format!("/reports/themes/{}?from={from}&to={to}&team=", theme.id);
        let dedupe = format!("theme:{}:{to}", theme.id);
        let note = Note {
            kind: Kind::ThemeRising,
            title: &title,
            link: &link,
            dedupe_key: Some(&dedupe),
            detail: theme.samples.first().map(String::as_str),
        };
        for manager in &managers {
            sent += usize::from(notify_at(&mut tx, &by, *manager, &note, now).await?);
        }
    }
    tx.commit().await?;
    Ok(sent)
}
