//! Customer queries, portable across SQLite and PostgreSQL.
use super::fields::CustomerFields;
use super::{Customer, CustomerDetail, CustomerPage, CustomerSort};
use crate::accounts::sessions::AccountKind;
use crate::audit::{Actor, Entry};
use crate::db::{now_ms, Db, Keyword, Sql};
use crate::error::AppError;
use sqlx::Row;

pub const PER_PAGE: i64 = 25;
const SELECT: &str =
    "SELECT id, external_ref, name, email, phone, segment, referral_code, created_at, updated_at,
    loyalty_score, loyalty_segment FROM customers";

/// How the list may be ordered, by `CustomerSort` name.
const ORDERS: [(&str, &str); 6] = [
    ("name", "LOWER(name) ASC, id ASC"),
    ("name_desc", "LOWER(name) DESC, id DESC"),
    ("newest", "created_at DESC, id DESC"),
    ("oldest", "created_at ASC, id ASC"),
    ("score_desc", "COALESCE(loyalty_score, -1) DESC, id ASC"),
    ("score_asc", "COALESCE(loyalty_score, 101) ASC, id ASC"),
];

/// The customer with `id`, read in `conn`.
async fn by_id<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    conn: E,
    id: i64,
) -> Result<Option<Customer>, AppError> {
    let mut q = Sql::new(SELECT);
    q.push(" WHERE id = ").bind(id);
    Ok(q.query_as().fetch_optional(conn).await?)
}

/// The condition that a customer's name, email or external reference holds the keyword, read
/// from the text indexes.
fn matching(sql: &mut Sql, k: &Keyword) {
    match k.phrase() {
        Some(phrase) => sql
            .push("id IN (SELECT rowid FROM customers_search WHERE customers_search MATCH ")
            .bind(phrase)
            .push(")"),
        None => sql
            .push("(LOWER(name) LIKE ")
            .bind(k.like())
            .push(" ESCAPE '\\' OR LOWER(COALESCE(email, '')) LIKE ")
            .bind(k.like())
            .push(" ESCAPE '\\' OR LOWER(COALESCE(external_ref, '')) LIKE ")
            .bind(k.like())
            .push(" ESCAPE '\\')"),
    };
}

/// Which customers the list shows by where they stand ("" = everyone).
fn standing_clause(standing: &str) -> Result<Option<&'static str>, AppError> {
    Ok(Some(match standing {
        "" => return Ok(None),
        "at_risk" => "loyalty_segment IN ('passive', 'detractor')",
        "advocate" => "loyalty_segment = 'advocate'",
        "loyal" => "loyalty_segment = 'loyal'",
        "passive" => "loyalty_segment = 'passive'",
        "detractor" => "loyalty_segment = 'detractor'",
        "churned" => "loyalty_segment = 'churned'",
        _ => {
            return Err(AppError::field(
                "standing",
                "Choose advocates, loyal, passive, detractors, churned or at risk.",
            ))
        }
    }))
}

/// Customers whose referrals brought money in a week: revenue recorded for a prospect they
/// referred, or an order of a customer they referred, in [from, to) (in `currency` only, when
/// given). The records behind a week's referral revenue.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReferralMoney {
    pub week: (i64, i64),
    pub currency: Option<String>,
}

fn referral_money(sql: &mut Sql, r: &ReferralMoney) {
    let (from, to) = r.week;
    sql.and().push(
        "EXISTS (SELECT 1 FROM referrals x WHERE x.referrer_id = customers.id AND (
            (x.referred_customer_id IS NULL AND x.revenue_minor > 0 AND x.occurred_at >= ",
    );
    sql.bind(from).push(" AND x.occurred_at < ").bind(to);
    if let Some(c) = &r.currency {
        sql.push(" AND x.currency = ").bind(c.as_str());
    }
    sql.push(
        ") OR EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = x.referred_customer_id
                AND o.amount_minor > 0 AND o.placed_at >= ",
    );
    sql.bind(from).push(" AND o.placed_at < ").bind(to);
    if let Some(c) = &r.currency {
        sql.push(" AND o.currency = ").bind(c.as_str());
    }
    sql.push(")))");
}

/// The customers list's filters as its page URL (and the export) carry them: "" = any.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CustomerQuery {
    pub q: String,
    pub sort: String,
    pub standing: String,
    pub referral_week: String,
    pub currency: String,
}

/// Which customers the list holds, checked.
#[derive(Clone, Debug, Default)]
pub struct CustomerFilter {
    q: String,
    sort: CustomerSort,
    standing: Option<&'static str>,
    referral: Option<ReferralMoney>,
}

impl CustomerQuery {
    /// The filter it names, or the first field that is not valid.
    pub async fn filter(self, db: &Db) -> Result<CustomerFilter, AppError> {
        let currency = crate::common::money::optional_currency(&self.currency)
            .map_err(|m| AppError::field("currency", m))?;
        let referral = match self.referral_week.trim() {
            "" if currency.is_some() => {
                return Err(AppError::field(
                    "currency",
                    "A currency narrows referral money: give the referral week too.",
                ))
            }
            "" => None,
            w => {
                let tz = crate::org::clock::time_zone(db).await?;
                Some(ReferralMoney {
                    week: crate::org::clock::iso_week_range(tz, w)
                        .map_err(|m| AppError::field("referral_week", m))?,
                    currency,
                })
            }
        };
        Ok(CustomerFilter {
            q: self.q,
            sort: CustomerSort::parse(&self.sort),
            standing: standing_clause(self.standing.trim())?,
            referral,
        })
    }
}

impl CustomerFilter {
    /// Adds the filter's conditions to `sql`; whether it searches by keyword.
    fn narrow(&self, sql: &mut Sql, db: &Db) -> bool {
        let keyword = Keyword::parse(&self.q, crate::db::dialect(db));
        if let Some(k) = &keyword {
            matching(sql.and(), k);
        }
        if let Some(standing) = self.standing {
            sql.and().push(standing);
        }
        if let Some(r) = &self.referral {
            referral_money(sql, r);
        }
        keyword.is_some()
    }
}

pub async fn list(db: &Db, filter: &CustomerFilter, page: i64) -> Result<CustomerPage, AppError> {
    let page = crate::db::page_number(page)?;
    let mut count = Sql::new("SELECT 1 FROM customers");
    filter.narrow(&mut count, db);
    let (total, total_capped) = crate::db::capped_total(db, count, page, PER_PAGE).await?;
    let mut list = Sql::new(SELECT);
    let searching = filter.narrow(&mut list, db);
    list.order_by(filter.sort.as_str(), &ORDERS)?
        .push(" LIMIT ")
        .bind(PER_PAGE)
        .push(" OFFSET ")
        .bind((page - 1) * PER_PAGE);
    // A search runs unnamed, so PostgreSQL plans it with the term in hand.
    let items = list.query_as().persistent(!searching).fetch_all(db).await?;
    Ok(CustomerPage {
        items,
        total,
        total_capped,
        page,
        per_page: PER_PAGE,
    })
}

/// The next chunk of the filtered customers for an export, in id order after `after`.
pub async fn export_chunk(
    db: &Db,
    filter: &CustomerFilter,
    after: Option<i64>,
) -> Result<Vec<Customer>, AppError> {
    let mut q = Sql::new(SELECT);
    let searching = filter.narrow(&mut q, db);
    if let Some(id) = after {
        q.and().push("id > ").bind(id);
    }
    q.push(" ORDER BY id LIMIT ").bind(crate::db::EXPORT_CHUNK);
    Ok(q.query_as().persistent(!searching).fetch_all(db).await?)
}

pub async fn find(db: &Db, id: i64) -> Result<Customer, AppError> {
    by_id(db, id)
        .await?
        .ok_or_else(|| AppError::NotFound("That customer".into()))
}

/// Finds a customer by external reference or, failing that, by email.
pub async fn find_by_reference(db: &Db, reference: &str) -> Result<Option<Customer>, AppError> {
    let reference = reference.trim();
    let mut q = Sql::new(SELECT);
    q.push(" WHERE external_ref = ")
        .bind(reference)
        .push(" OR email = ")
        .bind(reference.to_lowercase())
        .push(" ORDER BY id LIMIT 1");
    Ok(q.query_as().fetch_optional(db).await?)
}

/// The customer a form names: by id when the reference is a number of one, else by external
/// reference or email.
pub async fn find_by_id_or_reference(
    db: &Db,
    reference: &str,
) -> Result<Option<Customer>, AppError> {
    let reference = reference.trim();
    if let Ok(id) = reference.parse::<i64>() {
        if let Ok(c) = find(db, id).await {
            return Ok(Some(c));
        }
    }
    find_by_reference(db, reference).await
}

pub async fn detail(db: &Db, id: i64) -> Result<CustomerDetail, AppError> {
    let customer = find(db, id).await?;
    let has_portal_login: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM customer_logins WHERE customer_id = $1 AND disabled_at IS NULL",
    )
    .bind(id)
    .fetch_one(db)
    .await?;
    let pending: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(expires_at) FROM portal_invitations WHERE customer_id = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(id)
    .bind(now_ms())
    .fetch_one(db)
    .await?;
    Ok(CustomerDetail {
        customer_since: customer_since(db, id, customer.created_at).await?,
        customer,
        has_portal_login: has_portal_login > 0,
        pending_invitation_expires_at: pending,
    })
}

/// When the customer became one: the earliest of their record, their first order and their
/// first answer, so a customer added with a year of earlier orders has been one for that year.
pub async fn customer_since(db: &Db, id: i64, created_at: i64) -> Result<i64, AppError> {
    let first: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(at) FROM (
            SELECT MIN(placed_at) AS at FROM orders WHERE customer_id = $1
            UNION ALL SELECT MIN(received_at) FROM feedback WHERE customer_id = $1) x",
    )
    .bind(id)
    .fetch_one(db)
    .await?;
    Ok(first.map_or(created_at, |at| at.min(created_at)))
}

/// Refuses an email or external reference another customer already has, naming that customer.
async fn check_duplicates(
    db: &Db,
    fields: &CustomerFields,
    except_id: i64,
) -> Result<(), AppError> {
    let mut errors = Vec::new();
    if let Some(email) = &fields.email {
        let other: Option<String> =
            sqlx::query_scalar("SELECT name FROM customers WHERE email = $1 AND id <> $2")
                .bind(email)
                .bind(except_id)
                .fetch_optional(db)
                .await?;
        if let Some(name) = other {
            errors.push(crate::error::FieldError::new(
                "email",
                format!(
                    "{name} already has this email. Search for them instead of adding a duplicate."
                ),
            ));
        }
    }
    if let Some(reference) = &fields.external_ref {
        let other: Option<String> =
            sqlx::query_scalar("SELECT name FROM customers WHERE external_ref = $1 AND id <> $2")
                .bind(reference)
                .bind(except_id)
                .fetch_optional(db)
                .await?;
        if let Some(name) = other {
            errors.push(crate::error::FieldError::new(
                "external_ref",
                format!("{name} already has this external reference."),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::fields(errors))
    }
}

/// A referral code from an alphabet without look-alike characters.
pub fn new_referral_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..8)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A unique-constraint failure on insert or update, which a race past the duplicate check can hit.
fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

pub async fn create(
    db: &Db,
    fields: &CustomerFields,
    actor: &Actor,
    ip: &str,
) -> Result<Customer, AppError> {
    check_duplicates(db, fields, 0).await?;
    let now = now_ms();
    for _ in 0..5 {
        let mut tx = crate::db::begin_write(db).await?;
        let inserted = sqlx::query(
            "INSERT INTO customers (external_ref, name, email, phone, segment, referral_code, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&fields.external_ref)
        .bind(&fields.name)
        .bind(&fields.email)
        .bind(&fields.phone)
        .bind(&fields.segment)
        .bind(new_referral_code())
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(row) => row.try_get("id")?,
            Err(e) if is_unique_violation(&e) => {
                // Either a referral code collision (retry) or a duplicate that raced the check.
                check_duplicates(db, fields, 0).await?;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        crate::standing::recompute::refresh(&mut tx, &[id], now).await?;
        let customer = by_id(&mut *tx, id).await?.ok_or(sqlx::Error::RowNotFound)?;
        Entry::new(actor, "customer.create", "customer")
            .id(id)
            .after(&customer)
            .ip(ip)
            .write(&mut *tx)
            .await?;
        let created = crate::webhooks::payloads::CustomerCreatedData {
            customer_id: id,
            external_ref: customer.external_ref.clone(),
            name: customer.name.clone(),
            email: customer.email.clone(),
            segment: customer.segment.clone(),
        };
        crate::webhooks::events::record(
            &mut tx,
            crate::webhooks::EventType::CustomerCreated,
            &created,
        )
        .await?;
        tx.commit().await?;
        return Ok(customer);
    }
    Err(AppError::internal(
        "creating a customer",
        "could not find a free referral code",
    ))
}

pub async fn update(
    db: &Db,
    id: i64,
    fields: &CustomerFields,
    actor: &Actor,
    ip: &str,
) -> Result<Customer, AppError> {
    let before = find(db, id).await?;
    check_duplicates(db, fields, id).await?;
    let mut tx = crate::db::begin_write(db).await?;
    let result = sqlx::query(
        "UPDATE customers SET external_ref = $1, name = $2, email = $3, phone = $4, segment = $5, updated_at = $6
         WHERE id = $7",
    )
    .bind(&fields.external_ref)
    .bind(&fields.name)
    .bind(&fields.email)
    .bind(&fields.phone)
    .bind(&fields.segment)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await;
    if let Err(e) = result {
        if is_unique_violation(&e) {
            check_duplicates(db, fields, id).await?;
        }
        return Err(e.into());
    }
    let after = by_id(&mut *tx, id).await?.ok_or(sqlx::Error::RowNotFound)?;
    Entry::new(actor, "customer.update", "customer")
        .id(id)
        .before(&before)
        .after(&after)
        .ip(ip)
        .write(&mut *tx)
        .await?;
    if before.email != after.email {
        sign_in_email_changed(&mut tx, &before, after.email.as_deref()).await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// A customer's email changed: reset links and invitations sent to the old address stop working,
/// and for a portal customer the old address is told (someone taking over an account cannot do
/// it silently) and every session of theirs ends, all in the change's transaction.
async fn sign_in_email_changed(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    before: &Customer,
    new: Option<&str>,
) -> Result<(), AppError> {
    // Links already mailed to the old address stop working: it may be the reason for the change.
    crate::accounts::credentials::spend_customer_links(tx, before.id).await?;
    let has_login: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM customer_logins WHERE customer_id = $1")
            .bind(before.id)
            .fetch_one(&mut **tx)
            .await?;
    if has_login == 0 {
        return Ok(());
    }
    crate::accounts::sessions::end_all(&mut **tx, AccountKind::Customer, before.id).await?;
    let Some(old) = before.email.as_deref() else {
        return Ok(());
    };
    let body = format!(
        "Hello {},\n\nThe email address you sign in to your Extra Mile portal with was changed{}. \
         You were signed out.\n\nIf you did not ask for this, reply to this email or contact us at once.\n",
        before.name,
        new.map(|n| format!(" to {n}")).unwrap_or_default()
    );
    crate::outbox::queue(&mut **tx, old, "Your sign-in email was changed", &body).await
}

/// Customers matching a search, for pickers (name, email or external reference).
pub async fn search(db: &Db, q: &str, limit: i64) -> Result<Vec<Customer>, AppError> {
    let Some(keyword) = Keyword::parse(q, crate::db::dialect(db)) else {
        return Ok(Vec::new());
    };
    let mut sql = Sql::new(SELECT);
    matching(sql.and(), &keyword);
    sql.push(" ORDER BY LOWER(name), id LIMIT ").bind(limit);
    Ok(sql.query_as().persistent(false).fetch_all(db).await?)
}
