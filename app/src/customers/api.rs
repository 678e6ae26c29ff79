//! Customer server functions: authorize, parse, call the queries.
use super::{CustomerDetail, CustomerPage};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::accounts::{
    guard::{require_staff, respond},
    Role,
};

#[server(prefix = "/fn", endpoint = "customers/list")]
pub async fn list_customers(q: String, sort: String, page: i64) -> Result<CustomerPage, AppError> {
    respond(
        async {
            let staff = require_staff(Role::Associate).await?;
            super::queries::list(&staff.state.db, &q, super::CustomerSort::parse(&sort), page).await
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "customers/get")]
pub async fn get_customer(id: i64) -> Result<CustomerDetail, AppError> {
    respond(
        async {
            let staff = require_staff(Role::Associate).await?;
            super::queries::detail(&staff.state.db, id).await
        }
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "customers/create")]
pub async fn create_customer(
    name: String,
    email: String,
    phone: String,
    external_ref: String,
    segment: String,
) -> Result<i64, AppError> {
    respond(
        async {
            let staff = require_staff(Role::Associate).await?;
            let fields = super::fields::CustomerFields::parse(
                &name,
                &email,
                &phone,
                &external_ref,
                &segment,
            )?;
            let customer =
                super::queries::create(&staff.state.db, &fields, &staff.actor(), &staff.ctx.ip)
                    .await?;
            leptos_axum::redirect(&format!("/customers/{}?flash=created", customer.id));
            Ok(customer.id)
        }
        .await,
    )
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
    respond(
        async {
            let staff = require_staff(Role::Associate).await?;
            let fields = super::fields::CustomerFields::parse(
                &name,
                &email,
                &phone,
                &external_ref,
                &segment,
            )?;
            let customer =
                super::queries::update(&staff.state.db, id, &fields, &staff.actor(), &staff.ctx.ip)
                    .await?;
            leptos_axum::redirect(&format!("/customers/{}?flash=saved", customer.id));
            Ok(customer.id)
        }
        .await,
    )
}

/// Customers matching a few typed letters, for pickers (name, email or external reference).
#[server(prefix = "/fn", endpoint = "customers/search")]
pub async fn search_customers(q: String) -> Result<Vec<super::Customer>, AppError> {
    respond(
        async {
            let staff = require_staff(Role::Associate).await?;
            if q.trim().is_empty() {
                return Ok(Vec::new());
            }
            super::queries::search(&staff.state.db, &q, 8).await
        }
        .await,
    )
}
