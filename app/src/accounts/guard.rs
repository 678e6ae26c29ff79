//! The one authorization mechanism. Server functions are public HTTP endpoints, so each one
//! starts by asking this module for the caller it needs; refusals are audited and answered with
//! the right status.
use super::{CustomerViewer, Role, StaffViewer, Viewer};
use crate::audit::{Actor, Entry};
use crate::error::AppError;
use crate::state::AppState;
use leptos::prelude::*;

/// What the request middleware learned about the caller, stored in the request's extensions.
#[derive(Clone, Debug, Default)]
pub struct RequestContext {
    pub viewer: Option<Viewer>,
    pub ip: String,
    pub path: String,
    /// A plain HTML form post (no JavaScript): errors go back to the page, not as a status.
    pub accepts_html: bool,
}

impl RequestContext {
    pub fn actor(&self) -> Actor {
        match &self.viewer {
            Some(Viewer::Staff(s)) => Actor::staff(s.id, &s.email),
            Some(Viewer::Customer(c)) => Actor::customer(c.customer_id, &c.email),
            None => Actor::anonymous(&self.ip),
        }
    }
}

/// The context of the request being served (empty outside one).
pub fn request_context() -> RequestContext {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<RequestContext>().cloned())
        .unwrap_or_default()
}

/// The caller of a staff server function, with the state to serve it.
pub struct Staff {
    pub state: AppState,
    pub viewer: StaffViewer,
    pub ctx: RequestContext,
}

impl Staff {
    pub fn actor(&self) -> Actor {
        Actor::staff(self.viewer.id, &self.viewer.email)
    }
}

/// The caller of a portal server function.
pub struct Customer {
    pub state: AppState,
    pub viewer: CustomerViewer,
    pub ctx: RequestContext,
}

/// Requires a signed-in staff member holding at least `role`.
pub async fn require_staff(role: Role) -> Result<Staff, AppError> {
    let state = AppState::get()?;
    let ctx = request_context();
    match ctx.viewer.clone() {
        Some(Viewer::Staff(viewer)) if viewer.role.at_least(role) => {
            Ok(Staff { state, viewer, ctx })
        }
        Some(_) => Err(deny(&state, &ctx).await),
        None => Err(AppError::Unauthenticated),
    }
}

/// A server function's body run for signed-in staff holding at least `role`: the role is
/// checked first, and any error sets the answer's status. Each function states its role here,
/// once.
pub async fn as_staff<T, F, Fut>(role: Role, body: F) -> Result<T, AppError>
where
    F: FnOnce(Staff) -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    respond(
        async {
            let staff = require_staff(role).await?;
            body(staff).await
        }
        .await,
    )
}

/// A server function's body run for the signed-in customer, as [`as_staff`] for staff.
pub async fn as_customer<T, F, Fut>(body: F) -> Result<T, AppError>
where
    F: FnOnce(Customer) -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    respond(
        async {
            let customer = require_customer().await?;
            body(customer).await
        }
        .await,
    )
}

/// Requires a signed-in customer.
pub async fn require_customer() -> Result<Customer, AppError> {
    let state = AppState::get()?;
    let ctx = request_context();
    match ctx.viewer.clone() {
        Some(Viewer::Customer(viewer)) => Ok(Customer { state, viewer, ctx }),
        Some(_) => Err(deny(&state, &ctx).await),
        None => Err(AppError::Unauthenticated),
    }
}

/// Records a refusal in the audit log and returns the error to send.
pub async fn deny(state: &AppState, ctx: &RequestContext) -> AppError {
    let actor = ctx.actor();
    let entry = Entry::new(&actor, "access.denied", "path")
        .id(&ctx.path)
        .ip(&ctx.ip);
    if let Err(e) = entry.write(&state.db).await {
        tracing::warn!("could not audit a refusal: {e}");
    }
    AppError::Forbidden
}

/// Ends a server function: on error, sets the HTTP status so API-style callers see 4xx/5xx.
/// A plain HTML form post is left to the framework, which sends the browser back to the form
/// with the error in the URL, except for refusals, which are never redirected.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        let redirect_back = request_context().accepts_html
            && !matches!(err, AppError::Forbidden | AppError::Unauthenticated);
        if !redirect_back {
            if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
                options.set_status(
                    http::StatusCode::from_u16(err.status())
                        .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
                );
            }
        }
    }
    result
}
