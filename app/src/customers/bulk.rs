//! `POST /api/v1/customers`: a batch upserted by external reference, checked whole first. A
//! new customer sent with a referral code is attributed to the customer who owns that code.
use super::fields::CustomerFields;
use super::referrals::Owner;
use crate::audit::{Actor, Entry};
use crate::common::batch::ItemError;
use crate::db::{now_ms, Db, Sql};
use crate::error::AppError;
use crate::webhooks::payloads::CustomerCreatedData;
use crate::webhooks::EventType;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use std::collections::{BTreeSet, HashMap};

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

/// Upserts a checked batch in one transaction, or names the items that cannot be stored
/// (unknown referral codes, emails that belong to another customer); nothing is stored then.
pub async fn upsert(
    db: &Db,
    items: Vec<CustomerIn>,
    actor: &Actor,
) -> Result<Vec<CustomerResult>, AppError> {
    let mut tx = crate::db::begin_write(db).await?;
    match apply(&mut tx, &items, actor, &|_, _| {}).await? {
        Ok(stored) => {
            tx.commit().await?;
            Ok(stored)
        }
        Err(problems) => {
            tx.rollback().await?;
            Err(AppError::refused("customers", items.len(), problems))
        }
    }
}

/// Items per look-up or write statement: well under both databases' limits on binds.
const CHUNK: usize = 500;

/// A customer as the customers table holds it before the batch.
#[derive(sqlx::FromRow)]
struct Stored {
    id: i64,
    external_ref: String,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    segment: String,
    referral_code: String,
}

/// A customer the batch touches: one already stored, or one an earlier item creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Stored(i64),
    New(usize),
}

/// A customer as the batch leaves it.
struct Record {
    who: Who,
    external_ref: String,
    fields: CustomerFields,
    referral_code: String,
    /// The email stored before the batch, for a stored customer.
    stored_email: Option<String>,
    changed: bool,
    referrer: Option<i64>,
}

/// The customers a batch touches, as its items so far leave them, and who holds each email the
/// batch names.
#[derive(Default)]
struct Batch {
    records: Vec<Record>,
    by_ref: HashMap<String, usize>,
    email_owner: HashMap<String, Who>,
    created: usize,
}

impl Batch {
    /// Reads the customers `items` name by external reference, and who holds their emails, a
    /// few hundred per statement.
    async fn read(tx: &mut AnyConnection, items: &[CustomerIn]) -> Result<Self, AppError> {
        let mut batch = Self::default();
        let references = distinct(items.iter().filter_map(|i| i.fields.external_ref.as_ref()));
        for chunk in references.chunks(CHUNK) {
            let mut q = Sql::new(
                "SELECT id, external_ref, name, email, phone, segment, referral_code FROM customers
                 WHERE external_ref IN ",
            );
            q.list(chunk);
            for s in q.query_as::<Stored>().fetch_all(&mut *tx).await? {
                batch
                    .by_ref
                    .insert(s.external_ref.clone(), batch.records.len());
                batch.records.push(Record {
                    who: Who::Stored(s.id),
                    fields: CustomerFields {
                        name: s.name,
                        email: s.email.clone(),
                        phone: s.phone,
                        external_ref: Some(s.external_ref.clone()),
                        segment: s.segment,
                    },
                    external_ref: s.external_ref,
                    referral_code: s.referral_code,
                    stored_email: s.email,
                    changed: false,
                    referrer: None,
                });
            }
        }
        let emails = distinct(items.iter().filter_map(|i| i.fields.email.as_ref()));
        for chunk in emails.chunks(CHUNK) {
            let mut q = Sql::new("SELECT id, email FROM customers WHERE email IN ");
            q.list(chunk);
            for (id, email) in q.query_as::<(i64, String)>().fetch_all(&mut *tx).await? {
                batch.email_owner.insert(email, Who::Stored(id));
            }
        }
        Ok(batch)
    }

    /// Takes item `index` as if it were written now: the record it reports and its result, or
    /// the problem that refuses it (leaving the batch as it was).
    fn take(
        &mut self,
        index: usize,
        item: &CustomerIn,
        referrers: &HashMap<String, Owner>,
    ) -> Result<(usize, CustomerResult), ItemError> {
        let f = &item.fields;
        let reference = f.external_ref.clone().unwrap_or_default();
        let existing = self.by_ref.get(&reference).copied();
        if let Some(owner) = f.email.as_ref().and_then(|e| self.email_owner.get(e)) {
            if Some(*owner) != existing.map(|r| self.records[r].who) {
                return Err(ItemError {
                    index,
                    field: "email".into(),
                    message: "belongs to another customer".into(),
                });
            }
        }
        let referrer = match &item.referred_by_code {
            None => None,
            Some(code) => match referrers.get(&super::referrals::normalise(code)) {
                Some((id, _, label)) => Some((*id, label.clone())),
                None => {
                    return Err(ItemError {
                        index,
                        field: "referred_by_code".into(),
                        message: "no customer has this referral code".into(),
                    })
                }
            },
        };
        let fields = CustomerFields {
            external_ref: Some(reference.clone()),
            ..f.clone()
        };
        let Some(r) = existing else {
            let who = Who::New(self.created);
            self.created += 1;
            if let Some(email) = &f.email {
                self.email_owner.insert(email.clone(), who);
            }
            let code = super::queries::new_referral_code();
            self.by_ref.insert(reference.clone(), self.records.len());
            self.records.push(Record {
                who,
                external_ref: reference.clone(),
                fields,
                referral_code: code.clone(),
                stored_email: None,
                changed: true,
                referrer: referrer.as_ref().map(|(id, _)| *id),
            });
            let result = CustomerResult {
                id: 0,
                external_ref: reference,
                status: "created".into(),
                referral_code: code,
                referred_by: referrer.map(|(_, label)| label),
            };
            return Ok((self.records.len() - 1, result));
        };
        let record = &mut self.records[r];
        let same = record.fields.name == f.name
            && record.fields.email == f.email
            && record.fields.phone == f.phone
            && record.fields.segment == f.segment;
        if !same {
            if let Some(old) = &record.fields.email {
                if self.email_owner.get(old) == Some(&record.who) {
                    self.email_owner.remove(old);
                }
            }
            if let Some(new) = &f.email {
                self.email_owner.insert(new.clone(), record.who);
            }
            record.fields = fields;
            record.changed = true;
        }
        let result = CustomerResult {
            id: 0,
            external_ref: reference,
            status: if same { "unchanged" } else { "updated" }.into(),
            referral_code: record.referral_code.clone(),
            referred_by: None,
        };
        Ok((r, result))
    }
}

/// Upserts inside the caller's transaction; `progress` hears (rows done, phase). On
/// `Err(problems)` the caller must roll back.
///
/// The batch is read a few hundred customers per statement (by external reference, by email,
/// by referral code), checked item by item in order against what the earlier items leave, and
/// only then written: changed customers, new customers and their referrals a few hundred per
/// statement, and every touched standing refreshed once.
pub async fn apply(
    tx: &mut AnyConnection,
    items: &[CustomerIn],
    actor: &Actor,
    progress: &(dyn Fn(usize, &str) + Sync),
) -> Result<Result<Vec<CustomerResult>, Vec<ItemError>>, AppError> {
    let now = now_ms();
    progress(0, "Checking customers");
    let mut batch = Batch::read(tx, items).await?;
    let codes = distinct(items.iter().filter_map(|i| i.referred_by_code.as_ref()));
    let referrers = super::referrals::owners_of(&mut *tx, &codes).await?;
    let mut problems = Vec::new();
    // Each item's result, with the record whose id it reports once that is known.
    let mut results: Vec<(usize, CustomerResult)> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        match batch.take(index, item, &referrers) {
            Ok(taken) => results.push(taken),
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }

    progress(0, "Writing customers");
    let records = batch.records;
    update_changed(tx, &records, now).await?;
    let ids = insert_new(tx, &records, now, progress).await?;
    let id_of = |r: &Record| match r.who {
        Who::Stored(id) => id,
        Who::New(k) => ids[k],
    };
    let created: Vec<CustomerCreatedData> = records
        .iter()
        .filter(|r| matches!(r.who, Who::New(_)))
        .map(|r| CustomerCreatedData {
            customer_id: id_of(r),
            external_ref: Some(r.external_ref.clone()),
            name: r.fields.name.clone(),
            email: r.fields.email.clone(),
            segment: r.fields.segment.clone(),
        })
        .collect();
    crate::webhooks::events::record_many(&mut *tx, EventType::CustomerCreated, &created).await?;
    let referred: Vec<(i64, i64)> = records
        .iter()
        .filter_map(|r| Some((r.referrer?, id_of(r))))
        .collect();
    super::referrals::record(&mut *tx, &referred, "api", &actor.label, now).await?;
    progress(items.len(), "Updating loyalty scores");
    let touched: Vec<i64> = ids
        .iter()
        .copied()
        .chain(referred.iter().map(|(referrer, _)| *referrer))
        .collect();
    crate::standing::recompute::refresh(&mut *tx, &touched, now).await?;

    let results: Vec<CustomerResult> = results
        .into_iter()
        .map(|(r, result)| CustomerResult {
            id: id_of(&records[r]),
            ..result
        })
        .collect();
    let count = |s: &str| results.iter().filter(|r| r.status == s).count();
    Entry::new(actor, "customers.import", "customer")
        .after(&serde_json::json!({ "created": count("created"), "updated": count("updated"), "sent": results.len() }))
        .write(&mut *tx)
        .await?;
    Ok(Ok(results))
}

/// The distinct values, in order.
fn distinct<'a>(values: impl Iterator<Item = &'a String>) -> Vec<String> {
    values
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Writes the stored customers the batch changed, a few hundred per statement.
async fn update_changed(
    tx: &mut AnyConnection,
    records: &[Record],
    now: i64,
) -> Result<(), AppError> {
    let changed: Vec<(i64, &Record)> = records
        .iter()
        .filter(|r| r.changed)
        .filter_map(|r| match r.who {
            Who::Stored(id) => Some((id, r)),
            Who::New(_) => None,
        })
        .collect();
    // An email one customer gives up and another takes within the batch: the one giving it up
    // lets go of it first, so no statement ever sees it twice.
    let taken: HashMap<&str, Who> = records
        .iter()
        .filter_map(|r| Some((r.fields.email.as_deref()?, r.who)))
        .collect();
    let released: Vec<i64> = changed
        .iter()
        .filter(|(_, r)| {
            r.stored_email
                .as_deref()
                .and_then(|e| taken.get(e))
                .is_some_and(|who| *who != r.who)
        })
        .map(|(id, _)| *id)
        .collect();
    for chunk in released.chunks(CHUNK) {
        let mut q = Sql::new("UPDATE customers SET email = NULL WHERE id IN ");
        q.list(chunk.iter().copied());
        q.query().execute(&mut *tx).await?;
    }
    for chunk in changed.chunks(CHUNK) {
        // Both databases name the columns of a bare VALUES list column1, column2, ….
        let mut q = Sql::new(
            "UPDATE customers SET name = v.column2, email = v.column3, phone = v.column4,
                 segment = v.column5, updated_at = ",
        );
        q.bind(now).push(" FROM (VALUES ");
        q.rows(chunk, |row, (id, r)| {
            row.bind(*id)
                .bind(&r.fields.name)
                .bind(r.fields.email.as_deref())
                .bind(r.fields.phone.as_deref())
                .bind(&r.fields.segment);
        });
        q.push(") AS v WHERE customers.id = v.column1");
        q.query().execute(&mut *tx).await?;
    }
    Ok(())
}

/// Inserts the customers the batch creates, a few hundred per statement; returns their ids in
/// the order they were created.
async fn insert_new(
    tx: &mut AnyConnection,
    records: &[Record],
    now: i64,
    progress: &(dyn Fn(usize, &str) + Sync),
) -> Result<Vec<i64>, AppError> {
    let new: Vec<&Record> = records
        .iter()
        .filter(|r| matches!(r.who, Who::New(_)))
        .collect();
    let mut ids: HashMap<String, i64> = HashMap::with_capacity(new.len());
    for chunk in new.chunks(CHUNK) {
        let mut q = Sql::new(
            "INSERT INTO customers (external_ref, name, email, phone, segment, referral_code, created_at, updated_at)
             VALUES ",
        );
        q.rows(chunk, |row, r| {
            row.bind(&r.external_ref)
                .bind(&r.fields.name)
                .bind(r.fields.email.as_deref())
                .bind(r.fields.phone.as_deref())
                .bind(&r.fields.segment)
                .bind(&r.referral_code)
                .bind(now)
                .bind(now);
        });
        q.push(" RETURNING id, external_ref");
        for (id, reference) in q.query_as::<(i64, String)>().fetch_all(&mut *tx).await? {
            ids.insert(reference, id);
        }
        progress(ids.len(), "Writing customers");
    }
    new.iter()
        .map(|r| {
            ids.get(&r.external_ref).copied().ok_or_else(|| {
                AppError::internal(
                    "customer batch",
                    format!("no id came back for '{}'", r.external_ref),
                )
            })
        })
        .collect()
}
