//! Customer server functions: authorize, parse, call the queries.
use super::{CustomerDetail, CustomerPage};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::accounts::Role;

#[server(prefix = "/fn", endpoint = "customers/list")]
pub async fn list_customers(
    q: String,
    sort: String,
    page: i64,
    #[server(default)] standing: String,
    #[server(default)] referral_week: String,
    #[server(default)] currency: String,
) -> Result<CustomerPage, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let db = &staff.state.db;
        let query = super::queries::CustomerQuery {
            q,
            sort,
            standing,
            referral_week,
            currency,
        };
        let filter = query.filter(db).await?;
        super::queries::list(db, &filter, page).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "customers/get")]
pub async fn get_customer(id: i64) -> Result<CustomerDetail, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::queries::detail(&staff.state.db, id).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "customers/create")]
pub async fn create_customer(
    name: String,
    email: String,
    phone: String,
    external_ref: String,
    segment: String,
    #[server(default)] referred_by_code: String,
) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let db = &staff.state.db;
        let fields =
            super::fields::CustomerFields::parse(&name, &email, &phone, &external_ref, &segment)?;
        let referrer = match referred_by_code.trim() {
            "" => None,
            code => {
                let mut conn = db.acquire().await?;
                Some(
                    crate::customers::referrals::owner_of(&mut conn, code)
                        .await?
                        .ok_or_else(|| {
                            AppError::field(
                                "referred_by_code",
                                "No customer has this referral code.",
                            )
                        })?
                        .0,
                )
            }
        };
        let customer = super::queries::create(db, &fields, &staff.actor(), &staff.ctx.ip).await?;
        if let Some(referrer) = referrer {
            let mut tx = crate::db::begin_write(db).await?;
            let label = staff.actor().label;
            crate::customers::referrals::attribute(
                &mut tx,
                referrer,
                customer.id,
                "staff",
                &label,
                crate::db::now_ms(),
            )
            .await?;
            tx.commit().await?;
        }
        leptos_axum::redirect(&format!("/customers/{}?flash=created", customer.id));
        Ok(customer.id)
    })
    .await
}

#[server(prefix = "/fn", endpoint = "customers/update")]
pub async fn update_customer(
    id: i64,
    name: String,
    email: String,
    phone: String,
    external_ref: String,
    segment: String,
) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let fields =
            super::fields::CustomerFields::parse(&name, &email, &phone, &external_ref, &segment)?;
        let customer =
            super::queries::update(&staff.state.db, id, &fields, &staff.actor(), &staff.ctx.ip)
                .await?;
        leptos_axum::redirect(&format!("/customers/{}?flash=saved", customer.id));
        Ok(customer.id)
    })
    .await
}

/// Customers matching a few typed letters, for pickers (name, email or external reference).
#[server(prefix = "/fn", endpoint = "customers/search")]
pub async fn search_customers(q: String) -> Result<Vec<super::Customer>, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        if q.trim().is_empty() {
            return Ok(Vec::new());
        }
        super::queries::search(&staff.state.db, &q, 8).await
    })
    .await
}
