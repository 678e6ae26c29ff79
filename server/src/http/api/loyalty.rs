//! `POST /api/v1/customers` (upsert), `POST /api/v1/orders` and
//! `GET /api/v1/customers/{external_ref}/profile`.
use super::{actor, read_batch};
use app::admin::tokens::queries::ApiClient;
use app::customers::bulk::{self, CustomerResult};
use app::customers::request::{self as customer_request, CustomerItem};
use app::error::{AppError, ErrorBody};
use app::loyalty::order_request::{self, OrderItem};
use app::loyalty::orders::{self, OrderResult};
use app::loyalty::LoyaltyProfile;
use app::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
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

/// Creates or updates up to 1,000 customers by external reference.
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers",
    request_body(content = Vec<CustomerItem>, description = "1 to 1,000 customers"),
    responses(
        (status = 200, description = "Per customer: created, updated or unchanged", body = CustomerBatchResult),
        (status = 400, description = "The batch was refused whole (an unknown referral code, an email of another customer…); nothing was stored", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "A read-only token", body = ErrorBody),
        (status = 413, description = "The body is larger than 1 MiB"),
    ))]
pub async fn customers(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    body: Bytes,
) -> Result<Json<CustomerBatchResult>, AppError> {
    let items = read_batch(&body, "customers", customer_request::parse)?;
    let items = bulk::upsert(&state.db, items, &actor(&client)).await?;
    Ok(Json(CustomerBatchResult { items }))
}

/// Stores up to 1,000 orders; idempotent by `external_id`.
#[utoipa::path(post, path = "/api/v1/orders", tag = "orders",
    request_body(content = Vec<OrderItem>, description = "1 to 1,000 orders"),
    responses(
        (status = 200, description = "Per order: stored or duplicate", body = OrderBatchResult),
        (status = 400, description = "The batch was refused whole (an unknown customer…); nothing was stored", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "A read-only token", body = ErrorBody),
        (status = 413, description = "The body is larger than 1 MiB"),
    ))]
pub async fn orders(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    body: Bytes,
) -> Result<Json<OrderBatchResult>, AppError> {
    let now = app::db::now_ms();
    let items = read_batch(&body, "orders", |item| order_request::parse(item, now))?;
    let items = orders::ingest(&state.db, items, &actor(&client)).await?;
    Ok(Json(OrderBatchResult { items }))
}

/// A customer's loyalty profile: orders, answers, recoveries, referrals, score and segment.
#[utoipa::path(get, path = "/api/v1/customers/{external_ref}/profile", tag = "customers",
    params(("external_ref" = String, Path, description = "the customer's external reference")),
    responses(
        (status = 200, description = "The loyalty profile", body = LoyaltyProfile),
        (status = 404, description = "No customer has this reference", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
    ))]
pub async fn profile(
    State(state): State<AppState>,
    Path(reference): Path<String>,
) -> Result<Json<LoyaltyProfile>, AppError> {
    let id: i64 = sqlx::query_scalar("SELECT id FROM customers WHERE external_ref = $1")
        .bind(&reference)
        .fetch_optional(&state.db)
        .await?
        .ok_or_else(|| AppError::NotFound("No customer with this external reference".into()))?;
    Ok(Json(
        app::loyalty::queries::profile(&state.db, id, app::db::now_ms()).await?,
    ))
}
