//! The tables the generator fills and the batches of rows waiting for them, written many rows
//! per statement through the SQL builder. Every statement's text is spelled out at compile time.
use app::db::sql::Value;
use app::db::{Db, Dialect, Sql};
use app::error::AppError;
use sqlx::AnyConnection;

/// Bound values per statement. Both databases take far more, but SQLite binds numbered
/// parameters by name, which grows with the square of their count: a few thousand is fastest.
const MAX_BINDS: usize = 2_000;

/// A table the generator fills, with the statements it needs.
pub struct Table {
    /// `INSERT INTO table (columns) VALUES `, for the rows to follow.
    insert: &'static str,
    max_id: &'static str,
    /// Moves a PostgreSQL identity column past the ids the generator set itself.
    setval: &'static str,
}

macro_rules! table {
    ($name:literal, $columns:literal) => {
        Table {
            insert: concat!("INSERT INTO ", $name, " (", $columns, ") VALUES "),
            max_id: concat!("SELECT MAX(id) FROM ", $name),
            setval: concat!(
                "SELECT setval(pg_get_serial_sequence('",
                $name,
                "', 'id'), (SELECT COALESCE(MAX(id), 1) FROM ",
                $name,
                "))"
            ),
        }
    };
}

pub static TEAMS: Table = table!("teams", "id, name, created_at");
pub static STAFF: Table = table!(
    "staff_users",
    "id, email, name, role, password_hash, active, team_id, created_at, updated_at"
);
pub static CUSTOMERS: Table = table!(
    "customers",
    "id, external_ref, name, segment, referral_code, created_at, updated_at, referred_by_id, \
     loyalty_score, loyalty_segment, loyalty_at"
);
pub static ORDERS: Table = table!(
    "orders",
    "id, external_id, customer_id, amount_minor, currency, placed_at, created_at"
);
pub static INCIDENTS: Table = table!(
    "incidents",
    "id, customer_id, category_id, severity, source, status, description, occurred_at, \
     detected_at, resolved_at, proactive, assignee_id, created_at, updated_at"
);
pub static ACTIONS: Table = table!(
    "recovery_actions",
    "id, incident_id, kind, amount_minor, currency, status, created_at"
);
pub static SIGNALS: Table = table!(
    "signals",
    "id, idempotency_key, kind, customer_id, value, observed_at, received_at, incident_id"
);
pub static FEEDBACK: Table = table!(
    "feedback",
    "id, customer_id, channel, score_type, score, received_at, incident_id, assessment, reasons, \
     entered_by_label, created_at"
);
pub static FOLLOW_UPS: Table = table!(
    "follow_ups",
    "id, feedback_id, customer_id, assignee_id, assessment, status, opened_at, due_at, \
     closed_at, outcome, updated_at"
);
pub static REFERRALS: Table = table!(
    "referrals",
    "id, referrer_id, referred_customer_id, converted, source, occurred_at, created_by_label, \
     created_at"
);
pub static STORIES: Table = table!(
    "stories",
    "id, associate_id, occurred_on, title, situation, action_taken, result, kind, created_by, \
     created_at, updated_at"
);

/// Every table the generator writes.
static ALL: [&Table; 11] = [
    &TEAMS,
    &STAFF,
    &CUSTOMERS,
    &ORDERS,
    &INCIDENTS,
    &ACTIONS,
    &SIGNALS,
    &FEEDBACK,
    &FOLLOW_UPS,
    &REFERRALS,
    &STORIES,
];

impl Table {
    /// The next free id (the generator sets ids itself to link rows without reading them back).
    pub async fn next_id(&self, db: &Db) -> Result<i64, AppError> {
        let max: Option<i64> = sqlx::query_scalar(self.max_id).fetch_one(db).await?;
        Ok(max.unwrap_or(0) + 1)
    }
}

/// PostgreSQL identity columns do not move when ids are given: set them past the rows written.
pub async fn advance_sequences(db: &Db) -> Result<(), AppError> {
    if app::db::dialect(db) == Dialect::Sqlite {
        return Ok(());
    }
    for table in ALL {
        sqlx::query(table.setval).execute(db).await?;
    }
    Ok(())
}

/// Rows waiting to be written to one table, each a value per column.
pub struct Batch {
    table: &'static Table,
    rows: Vec<Vec<Value>>,
}

impl Batch {
    pub fn new(table: &'static Table) -> Self {
        Self {
            table,
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Value>) {
        self.rows.push(row);
    }

    /// Writes the rows, as many per statement as `MAX_BINDS` allows; returns how many.
    pub async fn write(&mut self, conn: &mut AnyConnection) -> Result<usize, AppError> {
        let written = self.rows.len();
        let columns = self.rows.first().map_or(1, Vec::len);
        for chunk in self.rows.chunks((MAX_BINDS / columns).max(1)) {
            let mut insert = Sql::new(self.table.insert);
            insert.rows(chunk, |row, values| {
                for v in values {
                    row.bind(v.clone());
                }
            });
            insert.query().execute(&mut *conn).await?;
        }
        self.rows.clear();
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_spells_out_its_statements() {
        assert_eq!(
            TEAMS.insert,
            "INSERT INTO teams (id, name, created_at) VALUES "
        );
        assert_eq!(TEAMS.max_id, "SELECT MAX(id) FROM teams");
        assert_eq!(
            TEAMS.setval,
            "SELECT setval(pg_get_serial_sequence('teams', 'id'), \
             (SELECT COALESCE(MAX(id), 1) FROM teams))"
        );
        assert!(CUSTOMERS.insert.contains("referral_code, created_at"));
    }
}
