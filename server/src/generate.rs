//! `extramile generate --customers N`: fills an empty database with a believable organisation
//! at a chosen scale — staff in teams, customers over two years with their orders, answers,
//! signals, incidents and recoveries, follow-ups, referrals and stories (about ten events per
//! customer) — written a few thousand rows per statement, a chunk of customers per
//! transaction, with progress on standard error. The same seed draws the same rows.
mod batch;
mod customers;
mod staff;
mod stories;

use app::db::{now_ms, Db};
use app::error::AppError;
use batch::{
    ACTIONS, CUSTOMERS, FEEDBACK, FOLLOW_UPS, INCIDENTS, ORDERS, REFERRALS, SIGNALS, STORIES,
};
use rand::rngs::StdRng;
use rand::SeedableRng;
use std::time::Instant;

const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;
/// Customers per transaction.
const CHUNK: usize = 5_000;

const FIRST: [&str; 16] = [
    "Ana", "Ben", "Chen", "Dara", "Eli", "Farah", "Gus", "Hana", "Ivo", "Jade", "Kai", "Lena",
    "Milo", "Nia", "Omar", "Pia",
];
const LAST: [&str; 12] = [
    "Reyes",
    "Okafor",
    "Lindqvist",
    "Nakamura",
    "Haddad",
    "Moreau",
    "Silva",
    "Kowalski",
    "Patel",
    "Byrne",
    "Mensah",
    "Vidal",
];

/// The id each table's next row takes.
struct Ids {
    customer: i64,
    order: i64,
    feedback: i64,
    incident: i64,
    action: i64,
    follow_up: i64,
    signal: i64,
    referral: i64,
    story: i64,
}

impl Ids {
    async fn next(db: &Db) -> Result<Self, AppError> {
        Ok(Self {
            customer: CUSTOMERS.next_id(db).await?,
            order: ORDERS.next_id(db).await?,
            feedback: FEEDBACK.next_id(db).await?,
            incident: INCIDENTS.next_id(db).await?,
            action: ACTIONS.next_id(db).await?,
            follow_up: FOLLOW_UPS.next_id(db).await?,
            signal: SIGNALS.next_id(db).await?,
            referral: REFERRALS.next_id(db).await?,
            story: STORIES.next_id(db).await?,
        })
    }
}

/// Fills the database; returns the number of rows written (staff aside).
pub async fn run(db: &Db, customers: usize, seed: u64) -> Result<usize, AppError> {
    refuse_unless_empty(db).await?;
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(seed);
    let now = now_ms();
    let categories: Vec<i64> = sqlx::query_scalar("SELECT id FROM incident_categories")
        .fetch_all(db)
        .await?;
    let associates = staff::write(db, customers, seed, now).await?;
    let mut ids = Ids::next(db).await?;
    let world = customers::World {
        now,
        associates,
        categories,
        first_customer: ids.customer,
    };
    let mut written = 0usize;
    let mut done = 0usize;
    while done < customers {
        let n = CHUNK.min(customers - done);
        let mut rows = customers::draw(&mut rng, &mut ids, &world, n);
        let mut tx = db.begin().await?;
        written += rows.write(&mut tx).await?;
        forget_touches_and_commit(tx).await?;
        done += n;
        eprintln!(
            "generate: {done} of {customers} customers, {written} rows, {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    let mut stories = stories::draw(&mut rng, &mut ids, associates, now);
    let mut tx = db.begin().await?;
    written += stories.write(&mut tx).await?;
    forget_touches_and_commit(tx).await?;
    batch::advance_sequences(db).await?;
    eprintln!(
        "generate: {written} rows in {:.0} s; computing the weekly report's aggregates",
        started.elapsed().as_secs_f64()
    );
    let weeks = aggregate(db).await?;
    eprintln!(
        "generate: done: {customers} customers, {written} rows, {weeks} weeks aggregated in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(written)
}

/// Generated rows go into an empty database only.
async fn refuse_unless_empty(db: &Db) -> Result<(), AppError> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers")
        .fetch_one(db)
        .await?;
    if existing > 0 {
        return Err(AppError::Request(format!(
            "The database already holds {existing} customers; generate into an empty database \
             (for example DATABASE_URL=sqlite://generated.db)."
        )));
    }
    Ok(())
}

/// The aggregates are rebuilt whole at the end: the touches these rows left name nothing new.
async fn forget_touches_and_commit(mut tx: app::db::Tx) -> Result<(), AppError> {
    sqlx::query("DELETE FROM report_touches")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Builds the weekly report's aggregates over everything written; returns the weeks.
async fn aggregate(db: &Db) -> Result<usize, AppError> {
    let postgres = app::db::dialect(db) == app::db::Dialect::Postgres;
    if postgres {
        // Fresh statistics, or PostgreSQL plans the first queries on millions of rows blind.
        sqlx::query("ANALYZE").execute(db).await?;
    }
    let weeks = app::reports::aggregates::refresh::rebuild(db, now_ms()).await?;
    if postgres {
        // The bulk load leaves millions of dead touches and no visibility map: without a vacuum
        // an empty touches table takes a scan to read, and nothing is read from indexes alone.
        eprintln!("generate: vacuuming");
        sqlx::query("VACUUM ANALYZE").execute(db).await?;
    }
    Ok(weeks)
}
