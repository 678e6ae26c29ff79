//! Organisation settings for incidents (approval limit, service levels) and the category
//! taxonomy managers keep.
use super::sla::ServiceLevels;
use super::Category;
use serde::{Deserialize, Serialize};

/// What managers configure on the incident settings page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentSettings {
    /// Refunds and credits above this many minor units wait for a manager.
    pub approval_limit_minor: i64,
    pub service_levels: ServiceLevels,
    pub categories: Vec<Category>,
}

pub const DEFAULT_APPROVAL_LIMIT_MINOR: i64 = 5_000;

#[cfg(feature = "ssr")]
pub mod queries {
    use super::*;
    use crate::audit::{Actor, Entry};
    use crate::db::{now_ms, Db};
    use crate::error::AppError;
    use crate::incidents::Severity;
    use sqlx::Row;

    use crate::org::store::{get, put};

    fn hours(value: Option<String>, default: [i64; 3]) -> [i64; 3] {
        let parsed: Vec<i64> = value
            .unwrap_or_default()
            .split(',')
            .filter_map(|h| h.trim().parse().ok())
            .collect();
        parsed.try_into().unwrap_or(default)
    }

    pub async fn approval_limit(db: &Db) -> Result<i64, AppError> {
        Ok(get(db, "approval_limit_minor")
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_APPROVAL_LIMIT_MINOR))
    }

    pub async fn service_levels(db: &Db) -> Result<ServiceLevels, AppError> {
        let d = ServiceLevels::default();
        Ok(ServiceLevels {
            acknowledge_hours: hours(get(db, "sla_acknowledge_hours").await?, d.acknowledge_hours),
            resolve_hours: hours(get(db, "sla_resolve_hours").await?, d.resolve_hours),
        })
    }

    pub async fn categories(db: &Db, active_only: bool) -> Result<Vec<Category>, AppError> {
        let sql = if active_only {
            "SELECT id, name, default_severity, active FROM incident_categories WHERE active = 1 ORDER BY LOWER(name)"
        } else {
            "SELECT id, name, default_severity, active FROM incident_categories ORDER BY active DESC, LOWER(name)"
        };
        let rows = sqlx::query(sql).fetch_all(db).await?;
        rows.iter()
            .map(|r| {
                let sev: String = r.try_get("default_severity")?;
                Ok(Category {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    default_severity: Severity::parse(&sev).unwrap_or(Severity::Minor),
                    active: r.try_get::<i64, _>("active")? == 1,
                })
            })
            .collect()
    }

    pub async fn load(db: &Db) -> Result<IncidentSettings, AppError> {
        Ok(IncidentSettings {
            approval_limit_minor: approval_limit(db).await?,
            service_levels: service_levels(db).await?,
            categories: categories(db, false).await?,
        })
    }

    pub async fn save(
        db: &Db,
        limit_minor: i64,
        levels: &ServiceLevels,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let before = load(db).await?;
        let join = |h: &[i64; 3]| {
            h.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        let mut tx = crate::db::begin_write(db).await?;
        put(&mut *tx, "approval_limit_minor", &limit_minor.to_string()).await?;
        put(
            &mut *tx,
            "sla_acknowledge_hours",
            &join(&levels.acknowledge_hours),
        )
        .await?;
        put(&mut *tx, "sla_resolve_hours", &join(&levels.resolve_hours)).await?;
        let after =
            serde_json::json!({ "approval_limit_minor": limit_minor, "service_levels": levels });
        let before = serde_json::json!({ "approval_limit_minor": before.approval_limit_minor, "service_levels": before.service_levels });
        Entry::new(actor, "incident_settings.update", "org_settings")
            .before(&before)
            .after(&after)
            .write(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds a category, or updates it when `id` is given.
    pub async fn save_category(
        db: &Db,
        id: Option<i64>,
        name: &str,
        severity: Severity,
        active: bool,
        actor: &Actor,
    ) -> Result<i64, AppError> {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > 60 {
            return Err(AppError::field(
                "name",
                "Name the category in up to 60 characters.",
            ));
        }
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT id FROM incident_categories WHERE LOWER(name) = LOWER($1)")
                .bind(&name)
                .fetch_optional(db)
                .await?;
        if taken.is_some_and(|t| Some(t) != id) {
            return Err(AppError::field(
                "name",
                "A category with this name exists already.",
            ));
        }
        let mut tx = crate::db::begin_write(db).await?;
        let id = match id {
            Some(id) => {
                let done = sqlx::query("UPDATE incident_categories SET name = $1, default_severity = $2, active = $3 WHERE id = $4")
                    .bind(&name)
                    .bind(severity.as_str())
                    .bind(active as i64)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(AppError::NotFound("That category".into()));
                }
                id
            }
            None => {
                sqlx::query_scalar(
                    "INSERT INTO incident_categories (name, default_severity, active, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(&name)
                .bind(severity.as_str())
                .bind(active as i64)
                .bind(now_ms())
                .fetch_one(&mut *tx)
                .await?
            }
        };
        let after =
            serde_json::json!({ "name": name, "default_severity": severity, "active": active });
        Entry::new(actor, "incident_category.save", "incident_category")
            .id(id)
            .after(&after)
            .write(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }
}
