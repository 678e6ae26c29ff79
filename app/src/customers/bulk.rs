//! `POST /api/v1/customers`: a batch upserted by external reference, checked whole first. A
//! new customer sent with a referral code is attributed to the customer who owns that code.
use super::fields::CustomerFields;
use crate::audit::{Actor, Entry};
use crate::db::{now_ms, Db};
use crate::error::{AppError, FieldError};
use crate::signals::input::{text, ItemError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{AnyConnection, Row};

/// One customer as checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerIn {
    pub fields: CustomerFields,
    pub referred_by_code: Option<String>,
}

/// One customer as the API reports it.
#[derive(utoipa::ToSchema, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerResult {
    pub id: i64,
    pub external_ref: String,
    /// "created", "updated" or "unchanged".
    pub status: String,
    pub referral_code: String,
    /// The external reference (or email) of the customer who referred them, when attributed.
    pub referred_by: Option<String>,
}

pub fn parse(item: &Value) -> Result<CustomerIn, Vec<(String, String)>> {
    let mut errors = Vec::new();
    let external_ref = text(item, "external_ref", 100, true, &mut errors);
    let name = text(item, "name", 120, true, &mut errors);
    let email = text(item, "email", 254, false, &mut errors);
    let phone = text(item, "phone", 40, false, &mut errors);
    let segment = text(item, "segment", 40, false, &mut errors);
    let referred_by_code = text(item, "referred_by_code", 20, false, &mut errors);
    let (Some(external_ref), Some(name), true) = (external_ref, name, errors.is_empty()) else {
        return Err(errors);
    };
    match CustomerFields::parse(
        &name,
        email.as_deref().unwrap_or(""),
        phone.as_deref().unwrap_or(""),
        &external_ref,
        segment.as_deref().unwrap_or(""),
    ) {
        Ok(fields) => Ok(CustomerIn {
            fields,
            referred_by_code: referred_by_code.map(|c| c.to_uppercase()),
        }),
        Err(AppError::Validation { fields, .. }) => Err(fields
            .into_iter()
            .map(|FieldError { field, message }| (field, message))
            .collect()),
        Err(e) => Err(vec![("item".into(), e.to_string())]),
    }
}

/// Upserts a checked batch in one transaction, or names the items that cannot be stored
/// (unknown referral codes, emails that belong to another customer); nothing is stored then.
pub async fn upsert(
    db: &Db,
    items: Vec<CustomerIn>,
    actor: &Actor,
) -> Result<Result<Vec<CustomerResult>, Vec<ItemError>>, AppError> {
    let mut tx = crate::db::begin_write(db).await?;
    let result = apply(&mut tx, &items, actor, &|_, _| {}).await?;
    if result.is_ok() {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(result)
}

/// Upserts inside the caller's transaction; `progress` hears (rows done, phase). On
/// `Err(problems)` the caller must roll back.
pub async fn apply(
    tx: &mut AnyConnection,
    items: &[CustomerIn],
    actor: &Actor,
    progress: &(dyn Fn(usize, &str) + Sync),
) -> Result<Result<Vec<CustomerResult>, Vec<ItemError>>, AppError> {
    let now = now_ms();
    let mut problems = Vec::new();
    let mut results = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let f = &item.fields;
        let reference = f.external_ref.clone().unwrap_or_default();
        let existing = sqlx::query(
            "SELECT id, name, email, phone, segment, referral_code FROM customers WHERE external_ref = $1",
        )
        .bind(&reference)
        .fetch_optional(&mut *tx)
        .await?;
        let existing_id: Option<i64> = existing.as_ref().map(|r| r.try_get("id")).transpose()?;
        if let Some(email) = &f.email {
            let owner: Option<i64> =
                sqlx::query_scalar("SELECT id FROM customers WHERE email = $1")
                    .bind(email)
                    .fetch_optional(&mut *tx)
                    .await?;
            if owner.is_some() && owner != existing_id {
                problems.push(ItemError {
                    index,
                    field: "email".into(),
                    message: "belongs to another customer".into(),
                });
                continue;
            }
        }
        let referrer = match &item.referred_by_code {
            None => None,
            Some(code) => match crate::loyalty::referrals::owner_of(&mut *tx, code).await? {
                Some((id, _, label)) => Some((id, label)),
                None => {
                    problems.push(ItemError {
                        index,
                        field: "referred_by_code".into(),
                        message: "no customer has this referral code".into(),
                    });
                    continue;
                }
            },
        };
        let result = match existing {
            Some(row) => {
                let id: i64 = row.try_get("id")?;
                let same = row.try_get::<String, _>("name")? == f.name
                    && row.try_get::<Option<String>, _>("email")? == f.email
                    && row.try_get::<Option<String>, _>("phone")? == f.phone
                    && row.try_get::<String, _>("segment")? == f.segment;
                if !same {
                    sqlx::query(
                        "UPDATE customers SET name = $1, email = $2, phone = $3, segment = $4, updated_at = $5 WHERE id = $6",
                    )
                    .bind(&f.name)
                    .bind(&f.email)
                    .bind(&f.phone)
                    .bind(&f.segment)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                CustomerResult {
                    id,
                    external_ref: reference,
                    status: if same { "unchanged" } else { "updated" }.into(),
                    referral_code: row.try_get("referral_code")?,
                    referred_by: None,
                }
            }
            None => {
                let code = super::queries::new_referral_code();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO customers (external_ref, name, email, phone, segment, referral_code, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                )
                .bind(&reference)
                .bind(&f.name)
                .bind(&f.email)
                .bind(&f.phone)
                .bind(&f.segment)
                .bind(&code)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                if let Some((referrer_id, _)) = &referrer {
                    crate::loyalty::referrals::attribute(
                        &mut *tx,
                        *referrer_id,
                        id,
                        "api",
                        &actor.label,
                        now,
                    )
                    .await?;
                }
                crate::loyalty::queries::refresh(&mut *tx, id, now).await?;
                CustomerResult {
                    id,
                    external_ref: reference,
                    status: "created".into(),
                    referral_code: code,
                    referred_by: referrer.map(|r| r.1),
                }
            }
        };
        results.push(result);
        if index % 200 == 199 {
            progress(index + 1, "Writing customers");
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let count = |s: &str| results.iter().filter(|r| r.status == s).count();
    Entry::new(actor, "customers.import", "customer")
        .after(&serde_json::json!({ "created": count("created"), "updated": count("updated"), "sent": results.len() }))
        .write(&mut *tx)
        .await?;
    Ok(Ok(results))
}
