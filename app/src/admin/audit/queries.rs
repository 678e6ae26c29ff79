//! Reading the audit log newest first, one page at a time: each filter is an equality or a range
//! on the leading columns of an index that ends with (at, id), and a page starts just past the
//! cursor's (at, id), so no page is ever found by counting the ones before it.
use super::filter::{AuditFilter, Cursor};
use super::AuditEntry;
use crate::db::{Db, Sql};
use crate::error::AppError;
use sqlx::Row;
use std::collections::HashMap;

/// One page of entries and the cursor of the next, if more match.
pub async fn page(
    db: &Db,
    filter: &AuditFilter,
) -> Result<(Vec<AuditEntry>, Option<String>), AppError> {
    let mut q = Sql::new(
        "SELECT id, at, actor_kind, actor_id, actor_label, action, entity, entity_id,
                before_json, after_json, ip, request_id
         FROM audit_log",
    );
    if let Some(actor) = &filter.actor {
        q.and().push("actor_kind = ").bind(actor.kind);
        if let Some(id) = actor.id {
            q.and().push("actor_id = ").bind(id);
        }
    }
    if let Some(action) = &filter.action {
        q.and().push("action = ").bind(action);
    }
    if let Some(entity) = &filter.entity {
        q.and().push("entity = ").bind(entity);
    }
    if let Some(entity_id) = &filter.entity_id {
        q.and().push("entity_id = ").bind(entity_id);
    }
    if let Some(from) = filter.from {
        q.and().push("at >= ").bind(from);
    }
    if let Some(until) = filter.until {
        q.and().push("at < ").bind(until);
    }
    if let Some(c) = filter.cursor {
        // Spelled out rather than as a row value, so both databases bound the index scan by it.
        q.and()
            .push("(at < ")
            .bind(c.at)
            .push(" OR (at = ")
            .bind(c.at)
            .push(" AND id < ")
            .bind(c.id)
            .push("))");
    }
    q.push(" ORDER BY at DESC, id DESC LIMIT ")
        .bind(filter.limit + 1);
    let rows = q.query().fetch_all(db).await?;
    let mut entries = rows
        .iter()
        .map(entry)
        .collect::<Result<Vec<_>, AppError>>()?;
    let next = if entries.len() as i64 > filter.limit {
        entries.truncate(filter.limit as usize);
        entries
            .last()
            .map(|e| Cursor { at: e.at, id: e.id }.encode())
    } else {
        None
    };
    name_customers(db, &mut entries).await?;
    Ok((entries, next))
}

fn entry(row: &sqlx::any::AnyRow) -> Result<AuditEntry, AppError> {
    let json = |column: &str| -> Result<Option<serde_json::Value>, AppError> {
        let text: Option<String> = row.try_get(column)?;
        text.map(|t| {
            serde_json::from_str(&t)
                .map_err(|e| AppError::internal(&format!("audit entry {column} is not JSON"), e))
        })
        .transpose()
    };
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor_kind: row.try_get("actor_kind")?,
        actor_id: row.try_get("actor_id")?,
        actor_label: row.try_get("actor_label")?,
        action: row.try_get("action")?,
        entity: row.try_get("entity")?,
        entity_id: row.try_get("entity_id")?,
        external_ref: None,
        before: json("before_json")?,
        after: json("after_json")?,
        ip: row.try_get("ip")?,
        request_id: row.try_get("request_id")?,
    })
}

/// Fills in the external reference of each customer an entry touched, in one lookup by
/// primary key for the page (a join on the text id would defeat the index).
async fn name_customers(db: &Db, entries: &mut [AuditEntry]) -> Result<(), AppError> {
    let ids: Vec<i64> = entries
        .iter()
        .filter(|e| e.entity == "customer")
        .filter_map(|e| e.entity_id.as_deref()?.parse().ok())
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let mut q = Sql::new("SELECT id, external_ref FROM customers WHERE id IN ");
    q.list(ids);
    let refs: HashMap<i64, Option<String>> = q
        .query_as::<(i64, Option<String>)>()
        .fetch_all(db)
        .await?
        .into_iter()
        .collect();
    for e in entries.iter_mut().filter(|e| e.entity == "customer") {
        let id = e.entity_id.as_deref().and_then(|id| id.parse::<i64>().ok());
        e.external_ref = id.and_then(|id| refs.get(&id).cloned().flatten());
    }
    Ok(())
}

/// Staff people by name, to narrow the log by.
pub async fn people(db: &Db) -> Result<Vec<(i64, String)>, AppError> {
    Ok(
        sqlx::query_as("SELECT id, name FROM staff_users ORDER BY LOWER(name), id")
            .fetch_all(db)
            .await?,
    )
}
