//! The two dialects' migrations build the same schema: a fresh SQLite database and a fresh
//! PostgreSQL database, each migrated by `app::db::connect`, hold the same tables, columns and
//! indexes (by name, with their table, uniqueness and partiality). Left out: sqlx's own
//! `_sqlx_migrations`; the indexes each database makes by itself for primary keys and UNIQUE
//! constraints, which it names in its own way; an index's columns, which differ by nature
//! (PostgreSQL's `INCLUDE` columns are key columns in SQLite, and SQLite ends every index with
//! the rowid); the covering indexes only PostgreSQL has, by design ([`POSTGRES_ONLY`]); and
//! the keyword search's text indexes, which each database builds its own way: FTS5 tables on
//! SQLite ([`SQLITE_SEARCH_TABLES`]), pg_trgm indexes on PostgreSQL ([`POSTGRES_SEARCH_INDEXES`]).
//! Runs in the PostgreSQL pass, when `TEST_DATABASE_URL` names a server.
use crate::helpers::{fresh_postgres, fresh_sqlite, remove_database, test_database_url};
use app::db::Db;
use sqlx::Row;
use std::collections::BTreeSet;

/// Indexes PostgreSQL has and SQLite has not, on purpose: covering indexes for one owner's run of
/// weeks, which SQLite's `WITHOUT ROWID` report tables give by their order already (see the
/// migrations 20261122000012 and 20261122000013), and the newest incidents' search texts, whose
/// count SQLite's text index serves (20261203000029).
const POSTGRES_ONLY: [&str; 4] = [
    "incidents.incidents_newest_text_idx",
    "report_figures.report_figures_owner_week_idx",
    "report_figures.report_figures_week_figure_idx",
    "report_recovery_times.report_recovery_times_owner_week_idx",
];

/// SQLite's text indexes for keyword search: FTS5 virtual tables, each with shadow tables named
/// after it (`customers_search_data`, …).
const SQLITE_SEARCH_TABLES: [&str; 4] = [
    "customers_search",
    "incidents_search",
    "feedback_search",
    "stories_search",
];

/// PostgreSQL's text indexes for the same searches (pg_trgm GIN on the searched expressions).
const POSTGRES_SEARCH_INDEXES: [&str; 6] = [
    "customers.customers_name_search_idx",
    "customers.customers_email_search_idx",
    "customers.customers_external_ref_search_idx",
    "incidents.incidents_search_text_idx",
    "feedback.feedback_comment_search_idx",
    "stories.stories_text_search_idx",
];

/// Whether `table` is one of SQLite's text indexes or their shadow tables.
fn sqlite_search_table(table: &str) -> bool {
    SQLITE_SEARCH_TABLES
        .iter()
        .any(|t| table == *t || table.starts_with(&format!("{t}_")))
}

/// One database's schema, each part a sorted set of descriptions.
#[derive(Debug, Default, PartialEq)]
struct Schema {
    tables: BTreeSet<String>,
    columns: BTreeSet<String>,
    indexes: BTreeSet<String>,
}

/// "table.index unique partial", as both databases describe an index.
fn index(table: &str, name: &str, unique: bool, partial: bool) -> String {
    format!(
        "{table}.{name}{}{}",
        if unique { " unique" } else { "" },
        if partial { " partial" } else { "" }
    )
}

async fn strings(db: &Db, sql: &str) -> Vec<Vec<String>> {
    sqlx::query(sql)
        .fetch_all(db)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|row| {
            (0..row.len())
                .map(|i| row.try_get::<String, _>(i).unwrap())
                .collect()
        })
        .collect()
}

/// The schema SQLite reports in `sqlite_master` and its pragmas.
async fn sqlite_schema(db: &Db) -> Schema {
    let tables = "m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'";
    let mut schema = Schema::default();
    let sql = format!("SELECT m.name FROM sqlite_master m WHERE {tables}");
    for row in strings(db, &sql).await {
        schema.tables.insert(row[0].clone());
    }
    let sql = format!(
        "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE {tables}"
    );
    for row in strings(db, &sql).await {
        schema.columns.insert(format!("{}.{}", row[0], row[1]));
    }
    // Origin 'c': made by CREATE INDEX, not for a primary key ('pk') or UNIQUE ('u').
    let sql = format!(
        "SELECT m.name, i.name, CAST(i.\"unique\" AS TEXT), CAST(i.partial AS TEXT)
         FROM sqlite_master m, pragma_index_list(m.name) i WHERE {tables} AND i.origin = 'c'"
    );
    for row in strings(db, &sql).await {
        let index = index(&row[0], &row[1], row[2] == "1", row[3] == "1");
        schema.indexes.insert(index);
    }
    schema
}

/// The schema PostgreSQL reports for the current schema in its catalogues.
async fn postgres_schema(db: &Db) -> Schema {
    let mut schema = Schema::default();
    let sql = "SELECT table_name::text FROM information_schema.tables
               WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
                 AND table_name <> '_sqlx_migrations'";
    for row in strings(db, sql).await {
        schema.tables.insert(row[0].clone());
    }
    let sql = "SELECT c.table_name::text, c.column_name::text FROM information_schema.columns c
               JOIN information_schema.tables t
                 ON t.table_schema = c.table_schema AND t.table_name = c.table_name
               WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
                 AND c.table_name <> '_sqlx_migrations'";
    for row in strings(db, sql).await {
        schema.columns.insert(format!("{}.{}", row[0], row[1]));
    }
    // Indexes that back a primary key or UNIQUE constraint are the constraint's, not made by
    // CREATE INDEX.
    let sql = "SELECT t.relname::text, i.relname::text,
                      CASE WHEN x.indisunique THEN '1' ELSE '0' END,
                      CASE WHEN x.indpred IS NOT NULL THEN '1' ELSE '0' END
               FROM pg_index x
               JOIN pg_class i ON i.oid = x.indexrelid
               JOIN pg_class t ON t.oid = x.indrelid
               JOIN pg_namespace s ON s.oid = t.relnamespace
               WHERE s.nspname = current_schema() AND t.relname <> '_sqlx_migrations'
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                                 WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u'))";
    for row in strings(db, sql).await {
        let index = index(&row[0], &row[1], row[2] == "1", row[3] == "1");
        schema.indexes.insert(index);
    }
    schema
}

/// What one set holds that the other does not, each way, as lines for a failure message.
fn differences(what: &str, sqlite: &BTreeSet<String>, postgres: &BTreeSet<String>) -> Vec<String> {
    let only = |a: &BTreeSet<String>, b: &BTreeSet<String>, side: &str| {
        a.difference(b)
            .map(|x| format!("{what} only on {side}: {x}"))
            .collect::<Vec<_>>()
    };
    let mut lines = only(sqlite, postgres, "SQLite");
    lines.extend(only(postgres, sqlite, "PostgreSQL"));
    lines
}

#[tokio::test]
async fn both_dialects_migrate_to_the_same_tables_columns_and_indexes() {
    let Some(server) = test_database_url() else {
        eprintln!("schema parity needs PostgreSQL: it runs when TEST_DATABASE_URL is set");
        return;
    };
    let (sqlite_url, postgres_url) = (fresh_sqlite(), fresh_postgres(&server).await);
    let sqlite = app::db::connect(&sqlite_url, 2, 1000)
        .await
        .expect("SQLite migrates");
    let postgres = app::db::connect(&postgres_url, 2, 1000)
        .await
        .expect("PostgreSQL migrates");
    let mut lite = sqlite_schema(&sqlite).await;
    let mut pg = postgres_schema(&postgres).await;
    for table in SQLITE_SEARCH_TABLES {
        assert!(
            lite.tables.contains(table),
            "{table} is gone: update SQLITE_SEARCH_TABLES"
        );
    }
    lite.tables.retain(|t| !sqlite_search_table(t));
    lite.columns
        .retain(|c| !sqlite_search_table(c.split('.').next().unwrap_or_default()));
    for index in POSTGRES_SEARCH_INDEXES {
        assert!(
            pg.indexes.remove(index),
            "{index} is gone: update POSTGRES_SEARCH_INDEXES"
        );
    }
    assert!(
        lite.tables.len() > 20 && lite.indexes.len() > 20,
        "the schema was not read: {lite:?}"
    );
    for index in POSTGRES_ONLY {
        assert!(
            pg.indexes.remove(index),
            "{index} is no longer PostgreSQL's alone: update POSTGRES_ONLY"
        );
    }
    let mut lines = differences("table", &lite.tables, &pg.tables);
    lines.extend(differences("column", &lite.columns, &pg.columns));
    lines.extend(differences("index", &lite.indexes, &pg.indexes));
    assert!(
        lines.is_empty(),
        "the migrations differ:\n{}",
        lines.join("\n")
    );
    sqlite.close().await;
    postgres.close().await;
    remove_database(&sqlite_url);
    remove_database(&postgres_url);
}
