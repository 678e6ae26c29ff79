//! Loyalty server functions: the profile on the customer page.
use super::LoyaltyProfile;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/fn", endpoint = "loyalty/profile")]
pub async fn get_loyalty_profile(customer_id: i64) -> Result<LoyaltyProfile, AppError> {
    use crate::accounts::{
        guard::{require_staff, respond},
        Role,
    };
    respond(
        async {
            let staff = require_staff(Role::Associate).await?;
            super::queries::profile(&staff.state.db, customer_id, crate::db::now_ms()).await
        }
        .await,
    )
}
