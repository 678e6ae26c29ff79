//! The organisation's people: associates in teams of eight, and three managers.
use super::batch::{Batch, STAFF, TEAMS};
use super::{DAY, FIRST, LAST};
use app::db::{Db, Tx};
use app::error::AppError;
use rand::rngs::StdRng;
use rand::Rng;

/// The associates written, by id: `first` and the `count - 1` after it.
#[derive(Clone, Copy)]
pub struct Associates {
    first: i64,
    count: usize,
}

impl Associates {
    /// One associate at random, to own an incident, a follow-up or a story.
    pub fn pick(&self, rng: &mut StdRng) -> i64 {
        self.first + rng.gen_range(0..self.count) as i64
    }

    /// Every associate's id, in order.
    pub fn ids(&self) -> impl Iterator<Item = i64> {
        let first = self.first;
        (0..self.count).map(move |a| first + a as i64)
    }
}

/// Writes the staff for `customers` customers: one associate per ~2,000 customers (6 to 400),
/// teams of eight, three managers. Every account gets an unusable password.
pub async fn write(db: &Db, customers: usize, seed: u64, now: i64) -> Result<Associates, AppError> {
    let count = (customers / 2000).clamp(6, 400);
    let mut tx = db.begin().await?;
    let first_team = teams(db, &mut tx, count.div_ceil(8), now).await?;
    let first = people(db, &mut tx, count, first_team, seed, now).await?;
    tx.commit().await?;
    Ok(Associates { first, count })
}

/// "Team 1", "Team 2", …; returns the first one's id.
async fn teams(db: &Db, tx: &mut Tx, count: usize, now: i64) -> Result<i64, AppError> {
    let first = TEAMS.next_id(db).await?;
    let mut rows = Batch::new(&TEAMS);
    for t in 0..count {
        rows.push(vec![
            (first + t as i64).into(),
            format!("Team {}", t + 1).into(),
            now.into(),
        ]);
    }
    rows.write(tx).await?;
    Ok(first)
}

/// The associates, eight to a team, then the managers; returns the first one's id.
async fn people(
    db: &Db,
    tx: &mut Tx,
    associates: usize,
    first_team: i64,
    seed: u64,
    now: i64,
) -> Result<i64, AppError> {
    let first = STAFF.next_id(db).await?;
    let hash = app::accounts::hashing::hash_password(format!("{seed}-unused-{now}")).await?;
    let mut rows = Batch::new(&STAFF);
    for a in 0..associates + 3 {
        let manager = a >= associates;
        rows.push(vec![
            (first + a as i64).into(),
            format!("gen-staff-{a}@example.com").into(),
            format!("{} {}", FIRST[a % 16], LAST[(a / 16) % 12]).into(),
            (if manager { "manager" } else { "associate" }).into(),
            hash.clone().into(),
            1_i64.into(),
            (!manager).then_some(first_team + (a / 8) as i64).into(),
            (now - 730 * DAY).into(),
            now.into(),
        ]);
    }
    rows.write(tx).await?;
    Ok(first)
}
