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
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeSet, HashMap};

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

/// Rows per multi-row statement: well under both databases' limits on bound values.
const CHUNK: usize = 500;

/// What `resolve` learned: each item's customer, and which order ids are already stored.
pub struct Resolved {
    pub customer_ids: Vec<i64>,
    existing: HashMap<String, (i64, i64)>,
}

/// Finds each order's customer (by external reference or email) and the orders already
/// stored, a few hundred at a time; names the items whose customer is unknown or whose order
/// id belongs to another customer (in the database or earlier in the same batch).
pub async fn resolve(
    conn: &mut AnyConnection,
    items: &[OrderIn],
) -> Result<Result<Resolved, Vec<ItemError>>, AppError> {
    let references: Vec<String> = items
        .iter()
        .map(|i| i.customer.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut by_email: HashMap<String, i64> = HashMap::new();
    let mut by_ref: HashMap<String, i64> = HashMap::new();
    for chunk in references.chunks(CHUNK) {
        let marks = placeholders(chunk.len(), 1);
        let sql = format!(
            "SELECT id, external_ref, email FROM customers WHERE external_ref IN ({marks}) OR email IN ({marks})"
        );
        let mut query = sqlx::query(&sql);
        for r in chunk {
            query = query.bind(r);
        }
        for row in query.fetch_all(&mut *conn).await? {
            let id: i64 = row.try_get("id")?;
            if let Some(r) = row.try_get::<Option<String>, _>("external_ref")? {
                by_ref.insert(r, id);
            }
            if let Some(e) = row.try_get::<Option<String>, _>("email")? {
                by_email.insert(e, id);
            }
        }
    }
    let mut existing: HashMap<String, (i64, i64)> = HashMap::new();
    let ids: Vec<&String> = items.iter().map(|i| &i.external_id).collect();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT id, external_id, customer_id FROM orders WHERE external_id IN ({})",
            placeholders(chunk.len(), 1)
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            existing.insert(
                row.try_get("external_id")?,
                (row.try_get("id")?, row.try_get("customer_id")?),
            );
        }
    }
    let mut problems = Vec::new();
    let mut customer_ids = Vec::with_capacity(items.len());
    let mut in_batch: HashMap<&str, i64> = HashMap::new();
    for (index, item) in items.iter().enumerate() {
        let Some(customer) = by_ref
            .get(&item.customer)
            .or_else(|| by_email.get(&item.customer))
            .copied()
        else {
            problems.push(ItemError {
                index,
                field: "customer".into(),
                message: format!(
                    "no customer has the external reference or email '{}'",
                    item.customer
                ),
            });
            continue;
        };
        let owner = existing
            .get(&item.external_id)
            .map(|(_, owner)| *owner)
            .or_else(|| in_batch.get(item.external_id.as_str()).copied());
        if owner.is_some_and(|o| o != customer) {
            problems.push(ItemError {
                index,
                field: "external_id".into(),
                message: "this order id was already stored for another customer".into(),
            });
            continue;
        }
        in_batch.insert(&item.external_id, customer);
        customer_ids.push(customer);
    }
    Ok(if problems.is_empty() {
        Ok(Resolved {
            customer_ids,
            existing,
        })
    } else {
        Err(problems)
    })
}

/// Checks and stores a batch inside the caller's transaction: new orders written a few hundred
/// rows per statement, then each customer's score refreshed. `progress` hears (rows done,
/// phase). On `Err(problems)` nothing was written.
pub async fn apply(
    conn: &mut AnyConnection,
    items: &[OrderIn],
    actor: &Actor,
    progress: &(dyn Fn(usize, &str) + Sync),
) -> Result<Result<Vec<OrderResult>, Vec<ItemError>>, AppError> {
    progress(0, "Checking customers and order ids");
    let resolved = match resolve(conn, items).await? {
        Ok(r) => r,
        Err(problems) => return Ok(Err(problems)),
    };
    let now = now_ms();
    let mut stored: HashMap<String, i64> = HashMap::new();
    let fresh: Vec<(&OrderIn, i64)> = {
        let mut seen = BTreeSet::new();
        items
            .iter()
            .zip(&resolved.customer_ids)
            .filter(|(item, _)| {
                !resolved.existing.contains_key(&item.external_id)
                    && seen.insert(item.external_id.as_str())
            })
            .map(|(item, customer)| (item, *customer))
            .collect()
    };
    let mut written = 0;
    for chunk in fresh.chunks(CHUNK) {
        let values = (0..chunk.len())
            .map(|i| format!("({})", placeholders(6, i * 6 + 1)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO orders (external_id, customer_id, amount_minor, currency, placed_at, created_at)
             VALUES {values} RETURNING id, external_id"
        );
        let mut query = sqlx::query(&sql);
        for (item, customer) in chunk {
            query = query
                .bind(&item.external_id)
                .bind(*customer)
                .bind(item.amount.minor)
                .bind(&item.amount.currency)
                .bind(item.placed_at)
                .bind(now);
        }
        for row in query.fetch_all(&mut *conn).await? {
            stored.insert(row.try_get("external_id")?, row.try_get("id")?);
        }
        written += chunk.len();
        progress(written, "Writing orders");
    }
    let touched: BTreeSet<i64> = fresh.iter().map(|(_, c)| *c).collect();
    for (n, customer) in touched.iter().enumerate() {
        super::queries::refresh(conn, *customer, now).await?;
        if n % 100 == 99 {
            progress(written, "Updating loyalty scores");
        }
    }
    let mut first = BTreeSet::new();
    let results: Vec<OrderResult> = items
        .iter()
        .map(|item| {
            let new =
                stored.contains_key(&item.external_id) && first.insert(item.external_id.as_str());
            let id = stored
                .get(&item.external_id)
                .or_else(|| resolved.existing.get(&item.external_id).map(|(id, _)| id))
                .copied()
                .unwrap_or_default();
            OrderResult {
                id,
                external_id: item.external_id.clone(),
                status: if new { "stored" } else { "duplicate" }.into(),
                customer: item.customer.clone(),
            }
        })
        .collect();
    Entry::new(actor, "orders.import", "order")
        .after(&serde_json::json!({ "stored": stored.len(), "sent": results.len() }))
        .write(&mut *conn)
        .await?;
    Ok(Ok(results))
}

/// Stores a checked batch in one transaction, or names the items that cannot be stored;
/// nothing is stored then.
pub async fn ingest(
    db: &Db,
    items: Vec<OrderIn>,
    actor: &Actor,
) -> Result<Result<Vec<OrderResult>, Vec<ItemError>>, AppError> {
    let mut tx = crate::db::begin_write(db).await?;
    let result = apply(&mut tx, &items, actor, &|_, _| {}).await?;
    if result.is_ok() {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(result)
}

/// `$first, $first+1, …` for `count` values.
fn placeholders(count: usize, first: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}
