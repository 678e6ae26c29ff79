//! Loyalty server functions: the profile on the customer page.
use super::LoyaltyProfile;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/fn", endpoint = "loyalty/profile")]
pub async fn get_loyalty_profile(customer_id: i64) -> Result<LoyaltyProfile, AppError> {
    use crate::accounts::Role;
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::queries::profile(&staff.state.db, customer_id, crate::db::now_ms()).await
    })
    .await
}

/// Records a referral the customer made: of an existing customer (converted) or a prospect.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn", endpoint = "loyalty/referral")]
pub async fn record_referral(
    customer_id: i64,
    #[server(default)] referred: String,
    #[server(default)] prospect_name: String,
    #[server(default)] converted: Option<String>,
    #[server(default)] revenue: String,
    #[server(default)] currency: String,
    #[server(default)] incident: String,
    #[server(default)] story: String,
) -> Result<i64, AppError> {
    use crate::accounts::Role;
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let form = super::advocacy::ReferralForm {
            referred: &referred,
            prospect_name: &prospect_name,
            converted: converted.is_some_and(|v| !v.is_empty() && v != "false"),
            revenue: &revenue,
            currency: &currency,
            incident: &incident,
            story: &story,
        };
        let id =
            super::advocacy::record_referral(&staff.state.db, customer_id, &form, &staff.actor())
                .await?;
        leptos_axum::redirect(&format!("/customers/{customer_id}?flash=saved#loyalty"));
        Ok(id)
    })
    .await
}

/// Records a review, post or testimonial by the customer.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn", endpoint = "loyalty/post")]
pub async fn record_post(
    customer_id: i64,
    #[server(default)] kind: String,
    #[server(default)] platform: String,
    #[server(default)] url: String,
    #[server(default)] audience: String,
    #[server(default)] sentiment: String,
    #[server(default)] occurred_on: String,
    #[server(default)] incident: String,
    #[server(default)] story: String,
) -> Result<i64, AppError> {
    use crate::accounts::Role;
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let form = super::advocacy::PostForm {
            kind: &kind,
            platform: &platform,
            url: &url,
            audience: &audience,
            sentiment: &sentiment,
            occurred_on: &occurred_on,
            incident: &incident,
            story: &story,
        };
        let id = super::advocacy::record_post(&staff.state.db, customer_id, &form, &staff.actor())
            .await?;
        leptos_axum::redirect(&format!("/customers/{customer_id}?flash=saved#loyalty"));
        Ok(id)
    })
    .await
}

/// Return on recovery across all customers (or one team's or associate's recoveries), with the
/// recoveries behind it.
#[server(prefix = "/fn", endpoint = "loyalty/recovery-return")]
pub async fn load_recovery_overview(
    #[server(default)] period: String,
    #[server(default)] assignee: String,
    #[server(default)] team: String,
    #[server(default)] page: i64,
) -> Result<super::RecoveryOverview, AppError> {
    use crate::accounts::Role;
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let db = &staff.state.db;
        // Organisation-wide figures: an associate's only when the reports are open to them.
        if !crate::org::visibility::Reach::of(db, &staff.viewer)
            .await?
            .sees_organisation()
        {
            return Err(crate::accounts::guard::deny(&staff.state, &staff.ctx).await);
        }
        let scope = super::recovery_return::staff_scope(&assignee, &team)?;
        super::recovery_return::overview(db, &period, scope, page, crate::db::now_ms()).await
    })
    .await
}

/// One of the word-of-mouth lists, for staff, narrowed by `query`.
#[cfg(feature = "ssr")]
async fn word_of_mouth<T, Fut>(
    query: super::word_of_mouth::WordOfMouthQuery,
    list: impl FnOnce(crate::db::Db, super::word_of_mouth::WordOfMouthFilter) -> Fut,
) -> Result<T, AppError>
where
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    crate::accounts::guard::as_staff(crate::accounts::Role::Associate, move |staff| async move {
        let db = staff.state.db.clone();
        let filter = query.filter(&db).await?;
        list(db, filter).await
    })
    .await
}

/// The organisation's referrals; filters as strings from the page URL ("" = any).
#[server(prefix = "/fn", endpoint = "loyalty/referrals/list")]
pub async fn list_referrals(
    week: String,
    converted: String,
    assignee: String,
    team: String,
    page: i64,
) -> Result<super::word_of_mouth::ReferralPage, AppError> {
    let query = super::word_of_mouth::WordOfMouthQuery {
        week,
        converted,
        assignee,
        team,
        page: Some(page),
        ..Default::default()
    };
    word_of_mouth(query, |db, f| async move {
        super::word_of_mouth::referrals(&db, &f).await
    })
    .await
}

/// The organisation's reviews, posts and testimonials; filters as on the referrals list.
#[server(prefix = "/fn", endpoint = "loyalty/posts/list")]
pub async fn list_posts(
    week: String,
    assignee: String,
    team: String,
    page: i64,
) -> Result<super::word_of_mouth::PostPage, AppError> {
    let query = super::word_of_mouth::WordOfMouthQuery {
        week,
        assignee,
        team,
        page: Some(page),
        ..Default::default()
    };
    word_of_mouth(query, |db, f| async move {
        super::word_of_mouth::posts(&db, &f).await
    })
    .await
}

/// The amounts behind referral revenue; filters as on the referrals list, and currency.
#[server(prefix = "/fn", endpoint = "loyalty/referral-revenue/list")]
pub async fn list_referral_revenue(
    week: String,
    currency: String,
    assignee: String,
    team: String,
    page: i64,
) -> Result<super::referral_revenue::RevenuePage, AppError> {
    let query = super::word_of_mouth::WordOfMouthQuery {
        week,
        currency,
        assignee,
        team,
        page: Some(page),
        ..Default::default()
    };
    word_of_mouth(query, |db, f| async move {
        super::referral_revenue::revenue(&db, &f).await
    })
    .await
}
