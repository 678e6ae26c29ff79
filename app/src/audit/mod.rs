//! The audit log: every change made through the product, every sign-in and every refusal is
//! written here with who, when, what, and the record before and after where that applies.
use crate::db::{now_ms, Db, Sql};
use crate::error::AppError;
use serde::Serialize;

/// Who did it.
#[derive(Clone, Debug)]
pub struct Actor {
    pub kind: &'static str,
    pub id: Option<i64>,
    pub label: String,
}

impl Actor {
    pub fn staff(id: i64, label: &str) -> Self {
        Self {
            kind: "staff",
            id: Some(id),
            label: label.to_string(),
        }
    }
    pub fn customer(id: i64, label: &str) -> Self {
        Self {
            kind: "customer",
            id: Some(id),
            label: label.to_string(),
        }
    }
    pub fn anonymous(label: &str) -> Self {
        Self {
            kind: "anonymous",
            id: None,
            label: label.to_string(),
        }
    }
    pub fn system(label: &str) -> Self {
        Self {
            kind: "system",
            id: None,
            label: label.to_string(),
        }
    }
    pub fn api_token(id: i64, name: &str) -> Self {
        Self {
            kind: "api_token",
            id: Some(id),
            label: name.to_string(),
        }
    }
}

/// One audit entry, built up and then written.
pub struct Entry<'a> {
    pub actor: &'a Actor,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub ip: Option<String>,
}

impl<'a> Entry<'a> {
    pub fn new(actor: &'a Actor, action: &'a str, entity: &'a str) -> Self {
        Self {
            actor,
            action,
            entity,
            entity_id: None,
            before: None,
            after: None,
            ip: None,
        }
    }
    pub fn id(mut self, id: impl ToString) -> Self {
        self.entity_id = Some(id.to_string());
        self
    }
    pub fn before(mut self, value: &impl Serialize) -> Self {
        self.before = serde_json::to_value(value).ok();
        self
    }
    pub fn after(mut self, value: &impl Serialize) -> Self {
        self.after = serde_json::to_value(value).ok();
        self
    }
    pub fn ip(mut self, ip: &str) -> Self {
        self.ip = Some(ip.to_string());
        self
    }

    /// Writes the entry with any executor, so it can join the transaction of the change.
    pub async fn write<'e, E>(self, executor: E) -> Result<(), AppError>
    where
        E: sqlx::Executor<'e, Database = sqlx::Any>,
    {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_kind, actor_id, actor_label, action, entity, entity_id,
                                    before_json, after_json, ip, request_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(now_ms())
        .bind(self.actor.kind)
        .bind(self.actor.id)
        .bind(&self.actor.label)
        .bind(self.action)
        .bind(self.entity)
        .bind(self.entity_id)
        .bind(self.before.map(|v| v.to_string()))
        .bind(self.after.map(|v| v.to_string()))
        // Unless the entry names one, the address of the client whose request made the change.
        .bind(self.ip.or_else(crate::request_id::client_ip))
        .bind(crate::request_id::current())
        .execute(executor)
        .await?;
        Ok(())
    }
}

/// What a count of audit entries is narrowed to.
pub enum Scope<'a> {
    EntityId(&'a str),
    Ip(&'a str),
}

/// Counts entries of one action since a moment, for one entity id or one client address.
pub async fn count_since(
    db: &Db,
    action: &str,
    since_ms: i64,
    scope: Scope<'_>,
) -> Result<i64, AppError> {
    let (column, value) = match scope {
        Scope::EntityId(v) => ("entity_id = ", v),
        Scope::Ip(v) => ("ip = ", v),
    };
    let mut q = Sql::new("SELECT COUNT(*) FROM audit_log WHERE action = ");
    q.bind(action)
        .push(" AND at >= ")
        .bind(since_ms)
        .push(" AND ")
        .push(column)
        .bind(value);
    Ok(q.query_scalar().fetch_one(db).await?)
}
