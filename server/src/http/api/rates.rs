//! `/api/v1/rates`: the organisation currency and its exchange rates. Admin-level, as Admin →
//! Exchange rates is: open to tokens made by a staff member who is an admin now.
use super::{actor, admin_token, read_batch};
use app::admin::tokens::queries::ApiClient;
use app::error::{AppError, ErrorBody};
use app::org::money::{queries, ExchangeRate, RateTable};
use app::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::{Extension, Json};
use serde_json::Value;

/// The organisation currency and every rate to it, by currency then newest date first, with
/// the currencies amounts were recorded in that have no rate.
#[utoipa::path(
    get,
    path = "/api/v1/rates",
    tag = "rates",
    responses(
        (status = 200, description = "The rate table", body = RateTable),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The token's maker is not an admin", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
) -> Result<Json<RateTable>, AppError> {
    admin_token(&state, &client).await?;
    Ok(Json(queries::table(&state.db).await?))
}

/// One field of an item as text: a string as is, a number as written (rates may be sent as
/// JSON numbers; they are read from their text, never as floats).
fn text(item: &Value, field: &str, problems: &mut Vec<(String, String)>) -> String {
    match item.get(field) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) if field == "rate" => n.to_string(),
        Some(_) => {
            problems.push((field.into(), "must be a string".into()));
            String::new()
        }
        None => {
            problems.push((field.into(), "is required".into()));
            String::new()
        }
    }
}

/// Adds or replaces rates: each item `{"currency": "EUR", "from": "2026-11-02", "rate":
/// "1.0825"}` says one unit of the currency buys `rate` units of the organisation currency
/// from that day (organisation time) until its next rate. A rate for a currency and day already
/// kept is replaced. Money figures from the earliest date sent are recomputed.
#[utoipa::path(
    put,
    path = "/api/v1/rates",
    tag = "rates",
    request_body(content = Vec<ExchangeRate>, description = "1 to 1,000 rates"),
    responses(
        (status = 200, description = "The rate table after the change", body = RateTable),
        (status = 400, description = "Not a JSON array of 1 to 1,000 rates, or refused whole: every problem named by item and field", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "A read-only token, or one whose maker is not an admin", body = ErrorBody),
    )
)]
pub async fn put(
    State(state): State<AppState>,
    Extension(client): Extension<ApiClient>,
    body: Bytes,
) -> Result<Json<RateTable>, AppError> {
    admin_token(&state, &client).await?;
    let org = queries::currency(&state.db).await?;
    let rates: Vec<ExchangeRate> = read_batch(&body, "rates", |item| {
        if !item.is_object() {
            return Err(vec![("item".into(), "must be an object".into())]);
        }
        let mut problems = Vec::new();
        let currency = text(item, "currency", &mut problems);
        let from = text(item, "from", &mut problems);
        let rate = text(item, "rate", &mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }
        queries::check(&org, &currency, &from, &rate)
    })?;
    let mut seen = std::collections::BTreeSet::new();
    if let Some(twice) = rates.iter().find(|r| !seen.insert((&r.currency, &r.from))) {
        return Err(AppError::Request(format!(
            "The batch gives two rates for {} from {}: send one.",
            twice.currency, twice.from
        )));
    }
    queries::put(&state.db, &rates, &actor(&client)).await?;
    Ok(Json(queries::table(&state.db).await?))
}
