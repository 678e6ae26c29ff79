//! The server functions behind Admin → Webhooks, for admins only: each authorizes, parses, calls
//! `endpoints` and, for a plain form post, sends the browser back to the page it came from.
use super::{DeliveryLog, WebhooksView};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::accounts::Role;

/// Where a new endpoint's secret is shown once, and the function that reads it there.
#[cfg(feature = "ssr")]
const REVEAL: crate::accounts::reveal::Scope = ("/admin/webhooks", "/fn/admin/webhooks/list");

#[server(prefix = "/fn", endpoint = "admin/webhooks/list")]
pub async fn list_webhooks() -> Result<WebhooksView, AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let endpoints = super::endpoints::list(&admin.state.db).await?;
        let revealed = crate::accounts::reveal::take(REVEAL).filter(|s| s.starts_with("whsec_"));
        Ok(WebhooksView {
            endpoints,
            revealed,
        })
    })
    .await
}

#[server(prefix = "/fn", endpoint = "admin/webhooks/create")]
pub async fn create_webhook(
    url: String,
    #[server(default)] description: String,
    #[server(default)] events: Vec<String>,
    #[server(default)] enabled: String,
) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let enabled = matches!(enabled.as_str(), "1" | "on" | "true");
        let new = super::endpoints::NewEndpoint::parse(&url, &description, &events, enabled)?;
        let (endpoint, secret) = super::endpoints::create(
            &admin.state.db,
            new,
            admin.state.settings.webhooks_allow_private,
            Some(admin.viewer.id),
            &admin.actor(),
        )
        .await?;
        crate::accounts::reveal::set(&secret, REVEAL);
        leptos_axum::redirect("/admin/webhooks?flash=webhook-created");
        Ok(endpoint.id)
    })
    .await
}

#[server(prefix = "/fn", endpoint = "admin/webhooks/enable")]
pub async fn set_webhook_enabled(id: i64, enabled: bool) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        super::endpoints::set_enabled(&admin.state.db, id, enabled, &admin.actor()).await?;
        leptos_axum::redirect("/admin/webhooks?flash=webhook-updated");
        Ok(())
    })
    .await
}

#[server(prefix = "/fn", endpoint = "admin/webhooks/delete")]
pub async fn delete_webhook(id: i64) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        super::endpoints::delete(&admin.state.db, id, &admin.actor()).await?;
        leptos_axum::redirect("/admin/webhooks?flash=webhook-deleted");
        Ok(())
    })
    .await
}

/// Queues a test event for the endpoint and starts delivering it at once.
#[server(prefix = "/fn", endpoint = "admin/webhooks/test")]
pub async fn send_test_webhook(id: i64) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let state = &admin.state;
        let event_id = super::endpoints::send_test(&state.db, id, &admin.actor()).await?;
        super::delivery::deliver_soon(
            state.db.clone(),
            state.clock.clone(),
            state.settings.webhooks_allow_private,
        );
        leptos_axum::redirect(&format!("/admin/webhooks/{id}?flash=webhook-test-sent"));
        Ok(event_id)
    })
    .await
}

#[server(prefix = "/fn", endpoint = "admin/webhooks/deliveries")]
pub async fn webhook_deliveries(id: i64) -> Result<DeliveryLog, AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let db = &admin.state.db;
        Ok(DeliveryLog {
            endpoint: super::endpoints::find(db, id).await?,
            deliveries: super::endpoints::deliveries(db, id).await?,
        })
    })
    .await
}

/// Sends a delivery's event to its endpoint again, starting at once.
#[server(prefix = "/fn", endpoint = "admin/webhooks/redeliver")]
pub async fn redeliver_webhook(delivery_id: i64) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let state = &admin.state;
        let endpoint = super::endpoints::redeliver(&state.db, delivery_id, &admin.actor()).await?;
        super::delivery::deliver_soon(
            state.db.clone(),
            state.clock.clone(),
            state.settings.webhooks_allow_private,
        );
        leptos_axum::redirect(&format!(
            "/admin/webhooks/{endpoint}?flash=webhook-redelivered"
        ));
        Ok(())
    })
    .await
}
