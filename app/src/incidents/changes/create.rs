//! Logging an incident, whoever (or whatever rule) opens it.
use super::record;
use crate::audit::Actor;
use crate::customers::fields::CustomerFields;
use crate::customers::queries as customers;
use crate::db::{now_ms, Db, Tx};
use crate::error::AppError;
use crate::incidents::fields::NewIncident;
use crate::incidents::{Severity, Source};

/// Logs an incident; returns its id. The person who logs it is its first assignee.
pub async fn create(
    db: &Db,
    input: NewIncident,
    follow_up: Option<i64>,
    staff_id: i64,
    actor: &Actor,
    ip: &str,
) -> Result<i64, AppError> {
    let customer_id = match (&input.new_customer_name, input.customer.as_str()) {
        (_, reference) if !reference.is_empty() => customers::find_by_id_or_reference(db, reference)
            .await?
            .ok_or_else(|| AppError::field("customer", "No customer has that name, email or reference. Pick one from the suggestions or add a new one."))?
            .id,
        (Some(name), _) => {
            let fields = CustomerFields::parse(name, "", "", "", "").map_err(|_| {
                AppError::field("new_customer_name", "Enter the new customer's name.")
            })?;
            customers::create(db, &fields, actor, ip).await?.id
        }
        (None, _) => return Err(AppError::field("customer", "Choose the customer.")),
    };
    let category: Option<(String, String)> = sqlx::query_as(
        "SELECT name, default_severity FROM incident_categories WHERE id = $1 AND active = 1",
    )
    .bind(input.category_id)
    .fetch_optional(db)
    .await?;
    let (category_name, default_severity) = category
        .ok_or_else(|| AppError::field("category_id", "Choose one of the listed categories."))?;
    let severity = match input.severity {
        Some(s) => s,
        None => Severity::decode(&default_severity, "incident_categories", input.category_id)?,
    };
    let message = format!(
        "Logged as {} ({}), {}",
        category_name,
        severity.label().to_lowercase(),
        input.source.label().to_lowercase()
    );
    let new = Insert {
        customer_id,
        category_id: input.category_id,
        severity,
        source: input.source,
        occurred_at: input.occurred_at,
        subject_ref: input.subject_ref,
        description: input.description,
        staff_id: Some(staff_id),
        rule_id: None,
    };
    let mut tx = crate::db::begin_write(db).await?;
    let id = insert(&mut tx, &new, actor, &message).await?;
    if let Some(f) = follow_up {
        crate::feedback::follow_ups::link_incident(&mut tx, f, customer_id, id).await?;
        record(
            &mut tx,
            id,
            actor,
            "follow_up",
            &format!("Opened from follow-up #{f}, where the customer told us about the problem"),
            true,
        )
        .await?;
    }
    super::commit(tx, id).await?;
    Ok(id)
}

/// An incident to insert, whoever (or whatever rule) opens it.
pub struct Insert {
    pub customer_id: i64,
    pub category_id: i64,
    pub severity: Severity,
    pub source: Source,
    pub occurred_at: i64,
    pub subject_ref: Option<String>,
    pub description: String,
    pub staff_id: Option<i64>,
    pub rule_id: Option<i64>,
}

/// Inserts an incident in `tx` with its first timeline event. It is proactive unless it came
/// from a complaint.
pub async fn insert(
    tx: &mut Tx,
    new: &Insert,
    actor: &Actor,
    message: &str,
) -> Result<i64, AppError> {
    let now = now_ms();
    let complaint = new.source == Source::Complaint;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO incidents (customer_id, category_id, severity, source, status, subject_ref, description, occurred_at,
                                detected_at, complained_at, proactive, assignee_id, created_by, rule_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(new.customer_id)
    .bind(new.category_id)
    .bind(new.severity.as_str())
    .bind(new.source.as_str())
    .bind(&new.subject_ref)
    .bind(&new.description)
    .bind(new.occurred_at)
    .bind(now)
    .bind(if complaint { Some(now) } else { None })
    .bind(if complaint { 0i64 } else { 1 })
    .bind(new.staff_id)
    .bind(new.staff_id)
    .bind(new.rule_id)
    .bind(now)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    record(tx, id, actor, "created", message, true).await?;
    super::announce::opened(tx, id, new).await?;
    Ok(id)
}
