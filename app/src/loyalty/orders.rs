//! Orders from other systems: `POST /api/v1/orders`, checked whole before anything is written,
//! idempotent by the sender's order id, and each customer's score refreshed in the same
//! transaction.
use crate::audit::{Actor, Entry};
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::incidents::money::Money;
use crate::signals::input::{moment, money, text, ItemError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;

/// One order as checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderIn {
    pub external_id: String,
    pub customer: String,
    pub amount: Money,
    pub placed_at: i64,
}

/// One order as the API reports it.
#[derive(utoipa::ToSchema, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderResult {
    pub id: i64,
    pub external_id: String,
    /// "stored", or "duplicate" when this order id was sent before (nothing changed).
    pub status: String,
    pub customer: String,
}

pub fn parse(item: &Value, now: i64) -> Result<OrderIn, Vec<(String, String)>> {
    let mut errors = Vec::new();
    let external_id = text(item, "external_id", 120, true, &mut errors);
    let customer = text(item, "customer", 200, true, &mut errors);
    let amount = money(item, "amount", true, &mut errors);
    let placed_at = moment(item, "placed_at", now, &mut errors);
    match (external_id, customer, amount, placed_at, errors.is_empty()) {
        (Some(external_id), Some(customer), Some(amount), Some(placed_at), true) => Ok(OrderIn {
            external_id,
            customer,
            amount,
            placed_at,
        }),
        _ => Err(errors),
    }
}

/// Stores a checked batch, or names the items whose customer is unknown or whose order id
/// already belongs to another customer; nothing is stored then.
pub async fn ingest(
    db: &Db,
    items: Vec<OrderIn>,
    actor: &Actor,
) -> Result<Result<Vec<OrderResult>, Vec<ItemError>>, AppError> {
    let mut customers: HashMap<String, Option<i64>> = HashMap::new();
    let mut problems = Vec::new();
    let mut ids = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        if !customers.contains_key(&item.customer) {
            let found = crate::customers::queries::find_by_reference(db, &item.customer)
                .await?
                .map(|c| c.id);
            customers.insert(item.customer.clone(), found);
        }
        match customers[&item.customer] {
            Some(id) => ids.push(id),
            None => problems.push(ItemError {
                index,
                field: "customer".into(),
                message: "no customer has this external reference or email".into(),
            }),
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let now = now_ms();
    let mut tx = crate::db::begin_write(db).await?;
    let mut results = Vec::with_capacity(items.len());
    let mut touched = std::collections::BTreeSet::new();
    for (index, (item, customer_id)) in items.iter().zip(ids).enumerate() {
        let existing: Option<(i64, i64)> =
            sqlx::query_as("SELECT id, customer_id FROM orders WHERE external_id = $1")
                .bind(&item.external_id)
                .fetch_optional(&mut *tx)
                .await?;
        let (id, status) = match existing {
            Some((_, owner)) if owner != customer_id => {
                problems.push(ItemError {
                    index,
                    field: "external_id".into(),
                    message: "this order id was already stored for another customer".into(),
                });
                continue;
            }
            Some((id, _)) => (id, "duplicate"),
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO orders (external_id, customer_id, amount_minor, currency, placed_at, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(&item.external_id)
                .bind(customer_id)
                .bind(item.amount.minor)
                .bind(&item.amount.currency)
                .bind(item.placed_at)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                touched.insert(customer_id);
                (id, "stored")
            }
        };
        results.push(OrderResult {
            id,
            external_id: item.external_id.clone(),
            status: status.into(),
            customer: item.customer.clone(),
        });
    }
    if !problems.is_empty() {
        tx.rollback().await?;
        return Ok(Err(problems));
    }
    for customer in &touched {
        super::queries::refresh(&mut tx, *customer, now).await?;
    }
    let stored = results.iter().filter(|r| r.status == "stored").count();
    Entry::new(actor, "orders.import", "order")
        .after(&serde_json::json!({ "stored": stored, "sent": results.len() }))
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Ok(results))
}
