//! Orders from other systems: `POST /api/v1/orders`, checked whole before anything is written,
//! idempotent by the sender's order id, and each customer's score refreshed in the same
//! transaction.
use crate::audit::{Actor, Entry};
use crate::common::batch::ItemError;
use crate::common::money::Money;
use crate::db::{now_ms, Db, Sql};
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
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
        let mut q =
            Sql::new("SELECT id, external_ref, email FROM customers WHERE external_ref IN ");
        q.list(chunk).push(" OR email IN ").list(chunk);
        let rows: Vec<(i64, Option<String>, Option<String>)> =
            q.query_as().fetch_all(&mut *conn).await?;
        for (id, external_ref, email) in rows {
            if let Some(r) = external_ref {
                by_ref.insert(r, id);
            }
            if let Some(e) = email {
                by_email.insert(e, id);
            }
        }
    }
    let mut existing: HashMap<String, (i64, i64)> = HashMap::new();
    let ids: Vec<&String> = items.iter().map(|i| &i.external_id).collect();
    for chunk in ids.chunks(CHUNK) {
        let mut q =
            Sql::new("SELECT id, external_id, customer_id FROM orders WHERE external_id IN ");
        q.list(chunk.iter().copied());
        let rows: Vec<(i64, String, i64)> = q.query_as().fetch_all(&mut *conn).await?;
        for (id, external_id, customer) in rows {
            existing.insert(external_id, (id, customer));
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
        let mut q = Sql::new(
            "INSERT INTO orders (external_id, customer_id, amount_minor, currency, placed_at, created_at)
             VALUES ",
        );
        q.rows(chunk, |row, (item, customer)| {
            row.bind(&item.external_id)
                .bind(*customer)
                .bind(item.amount.minor)
                .bind(&item.amount.currency)
                .bind(item.placed_at)
                .bind(now);
        });
        q.push(" RETURNING id, external_id");
        let rows: Vec<(i64, String)> = q.query_as().fetch_all(&mut *conn).await?;
        for (id, external_id) in rows {
            stored.insert(external_id, id);
        }
        written += chunk.len();
        progress(written, "Writing orders");
    }
    progress(written, "Updating loyalty scores");
    let touched: Vec<i64> = fresh.iter().map(|(_, c)| *c).collect();
    crate::standing::recompute::refresh(conn, &touched, now).await?;
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
) -> Result<Vec<OrderResult>, AppError> {
    let mut tx = crate::db::begin_write(db).await?;
    match apply(&mut tx, &items, actor, &|_, _| {}).await? {
        Ok(stored) => {
            tx.commit().await?;
            Ok(stored)
        }
        Err(problems) => {
            tx.rollback().await?;
            Err(AppError::refused("orders", items.len(), problems))
        }
    }
}
