//! `POST /api/v1/customers` (upsert), `POST /api/v1/orders` and
//! `GET /api/v1/customers/{external_ref}/profile`.
use super::{actor, error, read_batch, refused};
use app::admin::tokens::queries::ApiClient;
use app::customers::bulk::{self, CustomerResult};
use app::loyalty::orders::{self, OrderResult};
use app::loyalty::LoyaltyProfile;
use app::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct CustomerBatchResult {
    pub items: Vec<CustomerResult>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OrderBatchResult {
    pub items: Vec<OrderResult>,
}

/// One customer to create or update, matched on `external_ref`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct CustomerItem {
    #[schema(example = "c-1001")]
    external_ref: String,
    #[schema(example = "Dana Reyes")]
    name: String,
    #[schema(example = "dana@example.com")]
    email: Option<String>,
    phone: Option<String>,
    #[schema(example = "retail")]
    segment: Option<String>,
    /// The referral code of the customer who referred them; attributes a new customer.
    referred_by_code: Option<String>,
}

/// One order; re-sending the same `external_id` changes nothing.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct OrderItem {
    #[schema(example = "o-778")]
    external_id: String,
    /// The customer's external reference or email (the customer must exist).
    #[schema(example = "c-1001")]
    customer: String,
    amount: super::openapi::MoneyIn,
    #[schema(example = "2026-10-02T15:30:00Z", format = DateTime)]
    placed_at: String,
}

/// Creates or updates up to 1,000 customers by external reference.
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers",
    request_body(content = Vec<CustomerItem>, description = "1 to 1,000 customers"),
    responses(
        (status = 200, description = "Per customer: created, updated or unchanged", body = CustomerBatchResult),
        (status = 400, description = "The batch was refused whole; nothing was stored", body = super::openapi::ApiError),
        (status = 401, description = "Missing, unknown or revoked token", body = super::openapi::ApiError),
    ))]
pub async fn customers(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    body: Bytes,
) -> Response {
    let items = match read_batch(&body, "customers", bulk::parse) {
        Ok(items) => items,
        Err(refusal) => return *refusal,
    };
    let count = items.len();
    match bulk::upsert(&state.db, items, &actor(&client)).await {
        Ok(Ok(items)) => Json(CustomerBatchResult { items }).into_response(),
        Ok(Err(problems)) => refused("customers", count, problems),
        Err(e) => e.into_response(),
    }
}

/// Stores up to 1,000 orders; idempotent by `external_id`.
#[utoipa::path(post, path = "/api/v1/orders", tag = "orders",
    request_body(content = Vec<OrderItem>, description = "1 to 1,000 orders"),
    responses(
        (status = 200, description = "Per order: stored or duplicate", body = OrderBatchResult),
        (status = 400, description = "The batch was refused whole; nothing was stored", body = super::openapi::ApiError),
        (status = 401, description = "Missing, unknown or revoked token", body = super::openapi::ApiError),
    ))]
pub async fn orders(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    body: Bytes,
) -> Response {
    let now = app::db::now_ms();
    let items = match read_batch(&body, "orders", |item| orders::parse(item, now)) {
        Ok(items) => items,
        Err(refusal) => return *refusal,
    };
    let count = items.len();
    match orders::ingest(&state.db, items, &actor(&client)).await {
        Ok(Ok(items)) => Json(OrderBatchResult { items }).into_response(),
        Ok(Err(problems)) => refused("orders", count, problems),
        Err(e) => e.into_response(),
    }
}

/// A customer's loyalty profile: orders, answers, recoveries, referrals, score and segment.
#[utoipa::path(get, path = "/api/v1/customers/{external_ref}/profile", tag = "customers",
    params(("external_ref" = String, Path, description = "the customer's external reference")),
    responses(
        (status = 200, description = "The loyalty profile", body = LoyaltyProfile),
        (status = 404, description = "No customer has this reference", body = super::openapi::ApiError),
        (status = 401, description = "Missing, unknown or revoked token", body = super::openapi::ApiError),
    ))]
pub async fn profile(State(state): State<AppState>, Path(reference): Path<String>) -> Response {
    let found: Result<Option<i64>, sqlx::Error> =
        sqlx::query_scalar("SELECT id FROM customers WHERE external_ref = $1")
            .bind(&reference)
            .fetch_optional(&state.db)
            .await;
    match found {
        Ok(Some(id)) => {
            match app::loyalty::queries::profile(&state.db, id, app::db::now_ms()).await {
                Ok(p) => Json(p).into_response(),
                Err(e) => e.into_response(),
            }
        }
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            "No customer has this external reference.",
            None,
        ),
        Err(e) => app::error::AppError::from(e).into_response(),
    }
}
