//! Detection rules in the database.
use super::input::RuleDraft;
use super::rule::{Comparison, RecoveryPlan, Rule};
use crate::audit::{Actor, Entry};
use crate::common::labels::stored;
use crate::db::{now_ms, Db, Sql};
use crate::error::AppError;
use crate::incidents::Severity;
use sqlx::any::AnyRow;
use sqlx::Row;

const SELECT: &str = "SELECT r.id, r.name, r.signal_kind, r.comparison, r.threshold, r.min_count, r.window_minutes,
        r.category_id, k.name AS category_name, r.severity, r.recovery, r.refund_percent, r.cap_minor, r.credit_minor,
        r.currency, r.auto_apply_limit_minor, r.notice_subject, r.notice_template, r.enabled
    FROM detection_rules r JOIN incident_categories k ON k.id = r.category_id";

fn from_row(r: &AnyRow) -> Result<Rule, AppError> {
    let text = |c: &str| r.try_get::<String, _>(c);
    let id: i64 = r.try_get("id")?;
    let comparison = text("comparison")?;
    let recovery = text("recovery")?;
    Ok(Rule {
        id,
        name: text("name")?,
        signal_kind: text("signal_kind")?,
        comparison: stored(
            Comparison::parse(&comparison),
            "comparison",
            &comparison,
            "detection_rules",
            id,
        )?,
        threshold: r.try_get("threshold")?,
        min_count: r.try_get("min_count")?,
        window_minutes: r.try_get("window_minutes")?,
        category_id: r.try_get("category_id")?,
        category_name: text("category_name")?,
        severity: Severity::decode(&text("severity")?, "detection_rules", id)?,
        recovery: stored(
            RecoveryPlan::parse(&recovery),
            "recovery plan",
            &recovery,
            "detection_rules",
            id,
        )?,
        refund_percent: r.try_get("refund_percent")?,
        cap_minor: r.try_get("cap_minor")?,
        credit_minor: r.try_get("credit_minor")?,
        currency: text("currency")?,
        auto_apply_limit_minor: r.try_get("auto_apply_limit_minor")?,
        notice_subject: text("notice_subject")?,
        notice_template: text("notice_template")?,
        enabled: r.try_get::<i64, _>("enabled")? == 1,
    })
}

pub async fn list(db: &Db) -> Result<Vec<Rule>, AppError> {
    let rows = Sql::new(SELECT)
        .push(" ORDER BY r.enabled DESC, LOWER(r.name)")
        .query()
        .fetch_all(db)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn enabled(db: &Db) -> Result<Vec<Rule>, AppError> {
    let rows = Sql::new(SELECT)
        .push(" WHERE r.enabled = 1 ORDER BY r.id")
        .query()
        .fetch_all(db)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn find(db: &Db, id: i64) -> Result<Rule, AppError> {
    let row = Sql::new(SELECT)
        .push(" WHERE r.id = ")
        .bind(id)
        .query()
        .fetch_optional(db)
        .await?
        .ok_or_else(|| AppError::NotFound("That rule".into()))?;
    from_row(&row)
}

/// Creates a rule (`id` None) or updates one.
pub async fn save(db: &Db, id: Option<i64>, d: &RuleDraft, actor: &Actor) -> Result<i64, AppError> {
    let category: Option<i64> =
        sqlx::query_scalar("SELECT id FROM incident_categories WHERE id = $1 AND active = 1")
            .bind(d.category_id)
            .fetch_optional(db)
            .await?;
    if category.is_none() {
        return Err(AppError::field(
            "category_id",
            "Choose one of the categories in use.",
        ));
    }
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT id FROM detection_rules WHERE LOWER(name) = LOWER($1)")
            .bind(&d.name)
            .fetch_optional(db)
            .await?;
    if taken.is_some_and(|t| Some(t) != id) {
        return Err(AppError::field("name", "Another rule has this name."));
    }
    let before = match id {
        Some(id) => Some(find(db, id).await?),
        None => None,
    };
    let now = now_ms();
    let mut tx = crate::db::begin_write(db).await?;
    let sql = match id {
        None => "INSERT INTO detection_rules (name, signal_kind, comparison, threshold, min_count, window_minutes, category_id,
                    severity, recovery, refund_percent, cap_minor, credit_minor, currency, auto_apply_limit_minor,
                    notice_subject, notice_template, enabled, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, $17, $17) RETURNING id",
        Some(_) => "UPDATE detection_rules SET name = $1, signal_kind = $2, comparison = $3, threshold = $4, min_count = $5,
                    window_minutes = $6, category_id = $7, severity = $8, recovery = $9, refund_percent = $10, cap_minor = $11,
                    credit_minor = $12, currency = $13, auto_apply_limit_minor = $14, notice_subject = $15,
                    notice_template = $16, updated_at = $17 WHERE id = $18 RETURNING id",
    };
    let mut q = sqlx::query_scalar::<_, i64>(sql)
        .bind(&d.name)
        .bind(&d.signal_kind)
        .bind(d.comparison.as_str())
        .bind(d.threshold)
        .bind(d.min_count)
        .bind(d.window_minutes)
        .bind(d.category_id)
        .bind(d.severity.as_str())
        .bind(d.recovery.as_str())
        .bind(d.refund_percent)
        .bind(d.cap_minor)
        .bind(d.credit_minor)
        .bind(&d.currency)
        .bind(d.auto_apply_limit_minor)
        .bind(&d.notice_subject)
        .bind(&d.notice_template)
        .bind(now);
    if let Some(id) = id {
        q = q.bind(id);
    }
    let saved = q.fetch_one(&mut *tx).await?;
    let after = serde_json::json!({ "name": d.name, "signal_kind": d.signal_kind, "comparison": d.comparison, "threshold": d.threshold,
        "min_count": d.min_count, "window_minutes": d.window_minutes, "recovery": d.recovery, "auto_apply_limit_minor": d.auto_apply_limit_minor });
    let mut entry = Entry::new(actor, "detection_rule.save", "detection_rule")
        .id(saved)
        .after(&after);
    if let Some(b) = &before {
        entry = entry.before(b);
    }
    entry.write(&mut *tx).await?;
    tx.commit().await?;
    Ok(saved)
}

pub async fn set_enabled(db: &Db, id: i64, enabled: bool, actor: &Actor) -> Result<(), AppError> {
    let mut tx = crate::db::begin_write(db).await?;
    let done =
        sqlx::query("UPDATE detection_rules SET enabled = $1, updated_at = $2 WHERE id = $3")
            .bind(enabled as i64)
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("That rule".into()));
    }
    let action = if enabled {
        "detection_rule.enable"
    } else {
        "detection_rule.disable"
    };
    Entry::new(actor, action, "detection_rule")
        .id(id)
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
