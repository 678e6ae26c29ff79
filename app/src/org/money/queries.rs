//! The organisation currency and the rate table in the database.
use super::table::Rates;
use super::{rate, ExchangeRate, RateTable, DEFAULT_CURRENCY};
use crate::audit::{Actor, Entry};
use crate::common::moment::parse_day;
use crate::common::money::parse_currency;
use crate::db::{now_ms, Db, Sql};
use crate::error::AppError;
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use sqlx::AnyConnection;

const KEY: &str = "org_currency";

/// Further back than any figure credits money to an earlier week (return on recovery credits
/// orders to the recovery up to 180 days before them), with a week to spare.
pub const REACH_BACK_DAYS: i64 = 190;

/// Tables whose amounts carry a currency.
const AMOUNTS: [&str; 3] = ["orders", "recovery_actions", "referrals"];

pub async fn currency<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    db: E,
) -> Result<String, AppError> {
    Ok(crate::org_settings::get(db, KEY)
        .await?
        .unwrap_or_else(|| DEFAULT_CURRENCY.into()))
}

/// The rates to the organisation currency, each from the start of its day in `tz`.
pub async fn rates(conn: &mut AnyConnection, tz: Tz) -> Result<Rates, AppError> {
    let currency = currency(&mut *conn).await?;
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT currency, effective_from, rate FROM exchange_rates WHERE quote = $1",
    )
    .bind(&currency)
    .fetch_all(&mut *conn)
    .await?;
    let mut rates = Rates::new(&currency);
    for (c, from, r) in rows {
        if let (Some(day), Ok(nanos)) = (parse_day(&from), rate::parse(&r)) {
            rates = rates.with(&c, crate::org::clock::start_of(tz, day), nanos);
        }
    }
    Ok(rates)
}

pub async fn table(db: &Db) -> Result<RateTable, AppError> {
    let currency = currency(db).await?;
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT currency, effective_from, rate FROM exchange_rates WHERE quote = $1
         ORDER BY currency, effective_from DESC",
    )
    .bind(&currency)
    .fetch_all(db)
    .await?;
    let mut missing = Vec::new();
    for t in AMOUNTS {
        let mut q = Sql::new("SELECT DISTINCT currency FROM ");
        q.push(t)
            .push(" WHERE currency <> ")
            .bind(currency.as_str())
            .push(" AND currency NOT IN (SELECT currency FROM exchange_rates WHERE quote = ")
            .bind(currency.as_str())
            .push(")");
        let found: Vec<String> = q.query_scalar().fetch_all(db).await?;
        missing.extend(found);
    }
    missing.sort();
    missing.dedup();
    Ok(RateTable {
        currency,
        rates: rows
            .into_iter()
            .map(|(currency, from, rate)| ExchangeRate {
                currency,
                from,
                rate,
            })
            .collect(),
        missing,
    })
}

/// A rate as sent: its currency an ISO 4217 code other than the organisation's, its date a
/// real day, its rate a positive decimal. Problems are (field, message).
pub fn check(
    org: &str,
    currency: &str,
    from: &str,
    rate_text: &str,
) -> Result<ExchangeRate, Vec<(String, String)>> {
    let mut problems = Vec::new();
    let code = match currency.trim() {
        "" => {
            problems.push(("currency".into(), "Name the currency, like EUR.".into()));
            None
        }
        c => match parse_currency(c) {
            Ok(c) if c == org => {
                problems.push((
                    "currency".into(),
                    format!("{c} is the organisation currency: it needs no rate."),
                ));
                None
            }
            Ok(c) => Some(c),
            Err(m) => {
                problems.push(("currency".into(), m));
                None
            }
        },
    };
    let day = parse_day(from.trim());
    if day.is_none() {
        problems.push((
            "from".into(),
            "Give the day the rate applies from as YYYY-MM-DD.".into(),
        ));
    }
    let nanos = rate::parse(rate_text).map_err(|m| problems.push(("rate".into(), m)));
    match (code, day, nanos) {
        (Some(currency), Some(day), Ok(nanos)) if problems.is_empty() => Ok(ExchangeRate {
            currency,
            from: day.format("%Y-%m-%d").to_string(),
            rate: rate::show(nanos),
        }),
        _ => Err(problems),
    }
}

/// Stores rates (a rate for a currency and day already kept is replaced) and drops the weekly
/// figures they change, in one transaction.
pub async fn put(db: &Db, rates: &[ExchangeRate], actor: &Actor) -> Result<usize, AppError> {
    let mut tx = crate::db::begin_write(db).await?;
    let org = currency(&mut *tx).await?;
    let now = now_ms();
    for r in rates {
        sqlx::query(
            "INSERT INTO exchange_rates (currency, quote, effective_from, rate, updated_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (currency, quote, effective_from)
             DO UPDATE SET rate = excluded.rate, updated_at = excluded.updated_at",
        )
        .bind(&r.currency)
        .bind(&org)
        .bind(&r.from)
        .bind(&r.rate)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(first) = rates.iter().filter_map(|r| parse_day(&r.from)).min() {
        forget_figures_from(&mut tx, Some(first)).await?;
    }
    Entry::new(actor, "org.rates", "exchange_rates")
        .after(&rates)
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(rates.len())
}

/// Deletes one rate.
pub async fn delete(db: &Db, currency: &str, from: &str, actor: &Actor) -> Result<(), AppError> {
    let mut tx = crate::db::begin_write(db).await?;
    let org = self::currency(&mut *tx).await?;
    let gone = sqlx::query(
        "DELETE FROM exchange_rates WHERE currency = $1 AND quote = $2 AND effective_from = $3",
    )
    .bind(currency)
    .bind(&org)
    .bind(from)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if gone == 0 {
        return Err(AppError::NotFound("That rate".into()));
    }
    forget_figures_from(&mut tx, parse_day(from)).await?;
    Entry::new(actor, "org.rates.delete", "exchange_rates")
        .before(&(currency, from))
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets the organisation currency; every money figure is recomputed in it.
pub async fn set_currency(db: &Db, code: &str, actor: &Actor) -> Result<String, AppError> {
    let code = parse_currency(code).map_err(|m| AppError::field("currency", m))?;
    let mut tx = crate::db::begin_write(db).await?;
    let before = currency(&mut *tx).await?;
    if before != code {
        crate::org_settings::put(&mut *tx, KEY, &code).await?;
        forget_figures_from(&mut tx, None).await?;
        Entry::new(actor, "org.currency", "org_settings")
            .before(&before)
            .after(&code)
            .write(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(code)
}

/// Drops the stored weekly figures a change of rates from `day` (or of everything) alters, so
/// they are computed again before anything reads them. Return on recovery credits what followed
/// a recovery to the recovery's week, up to its window before.
async fn forget_figures_from(
    conn: &mut AnyConnection,
    day: Option<NaiveDate>,
) -> Result<(), AppError> {
    let window = Duration::days(REACH_BACK_DAYS);
    let from = day.map_or_else(|| "0000-01-01".to_string(), |d| (d - window).to_string());
    sqlx::query("DELETE FROM report_weeks WHERE week >= $1")
        .bind(from)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
