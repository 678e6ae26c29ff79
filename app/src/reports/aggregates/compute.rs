//! One week's counts per owner, from the raw rows, through the modules that define each figure.
use super::Week;
use crate::error::AppError;
use crate::loyalty::recovery_return::{self, Scope};
use crate::org::scope::StaffScope;
use chrono::NaiveDate;
use chrono_tz::Tz;
use sqlx::AnyConnection;

pub async fn week(
    conn: &mut AnyConnection,
    tz: Tz,
    monday: NaiveDate,
    now: i64,
) -> Result<Week, AppError> {
    let (from, to) = crate::org::clock::week_range(tz, monday);
    let mut week = Week::default();
    crate::reports::weekly::incidents_by_owner(conn, (from, to), &mut week).await?;
    crate::reports::weekly::advocacy_by_owner(conn, (from, to), &mut week).await?;
    for (owner, counts) in crate::feedback::figures::by_owner(conn, from, to, to.min(now)).await? {
        for (figure, n) in counts.entries() {
            week.add(owner, figure, n);
        }
    }
    for (owner, figure, n) in crate::stories::figures::by_owner(conn, tz, monday).await? {
        week.add(owner, figure, n);
    }
    let scope = Scope {
        customer: None,
        from,
        to,
        staff: StaffScope::Organisation,
    };
    for (owner, r) in recovery_return::sums(conn, scope, true).await? {
        for (figure, n) in [
            ("rec_recoveries", r.recoveries),
            ("rec_spend", r.spend_minor),
            ("rec_orders_after", r.orders_after),
            ("rec_revenue_after", r.revenue_after_minor),
            ("rec_revenue_before", r.revenue_before_minor),
            ("rec_referral_revenue_after", r.referral_revenue_after_minor),
            ("rec_attributed_referrals", r.attributed_referrals),
            ("rec_attributed_posts", r.attributed_posts),
            ("rec_attributed_audience", r.attributed_audience),
        ] {
            week.add(owner, figure, n);
        }
    }
    Ok(week.with_organisation())
}
