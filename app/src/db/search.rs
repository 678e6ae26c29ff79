//! Keyword search: what someone typed into a search box, and the conditions that find it in a
//! table's texts. SQLite reads a trigram FTS5 index (`<table>_search`, see the migration
//! `keyword_search`) with the term quoted as one literal phrase, so quotes, `*`, `OR`, `-` or
//! `NEAR(` are text to find, never query syntax; PostgreSQL reads the same `LOWER(column) LIKE`
//! it always did, served by pg_trgm indexes on those expressions. Both match the term anywhere
//! in the text, ignoring case. Terms too short for trigrams (under three characters), or holding
//! control characters, fall back to `LIKE` on SQLite. Incidents keep their texts and their
//! customer's name as the lines of one lower-cased search text (the migration
//! `incident_search_text`), which both databases index and a search can check row by row.
use super::{Dialect, Sql};

/// A search term, trimmed and never empty, with how each database looks for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keyword {
    like: String,
    phrase: Option<String>,
    ascii: bool,
    plain: bool,
    dialect: Dialect,
}

impl Keyword {
    /// The term in `q`, or `None` when there is nothing to search for. NUL characters are
    /// dropped: no stored text holds one (PostgreSQL refuses them in text).
    pub fn parse(q: &str, dialect: Dialect) -> Option<Self> {
        let term = q.replace('\0', "");
        let term = term.trim();
        if term.is_empty() {
            return None;
        }
        let plain = !term.chars().any(char::is_control);
        let indexable = dialect == Dialect::Sqlite && term.chars().count() >= 3 && plain;
        Some(Self {
            like: like_pattern(term),
            phrase: indexable.then(|| format!("\"{}\"", term.replace('"', "\"\""))),
            ascii: term.is_ascii(),
            plain,
            dialect,
        })
    }

    /// Whether checking rows one by one with [`Keyword::held_by`] finds exactly what the index
    /// finds: for plain terms (see [`Keyword::plain`]); where the index is read with the same
    /// `LIKE`, always; on SQLite's text index, for terms in ASCII (the index folds the case of
    /// every letter, SQLite's `LOWER` only ASCII's).
    pub fn walkable(&self) -> bool {
        self.plain && (self.phrase.is_none() || self.ascii)
    }

    /// Whether the term holds no control character, so it can be looked for in several texts
    /// kept as lines of one (a search text): only a term holding a line break could match
    /// across two of them.
    pub fn plain(&self) -> bool {
        self.plain
    }

    /// Pushes the condition that `column`, a lower-cased text, holds the term.
    pub fn held_by(&self, q: &mut Sql, column: &'static str) {
        q.push(column)
            .push(" LIKE ")
            .bind(self.like())
            .push(" ESCAPE '\\'");
    }

    /// Pushes the condition that any of `columns` (text expressions of the row at hand) holds
    /// the term, checked on that row rather than read from an index.
    pub fn row_matches(&self, q: &mut Sql, columns: &[&'static str]) {
        q.push("(");
        for (n, column) in columns.iter().enumerate() {
            if n > 0 {
                q.push(" OR ");
            }
            q.push("LOWER(")
                .push(column)
                .push(") LIKE ")
                .bind(self.like())
                .push(" ESCAPE '\\'");
        }
        q.push(")");
    }

    /// The case-insensitive `LIKE` pattern (for `LOWER(column) LIKE … ESCAPE '\'`).
    pub fn like(&self) -> &str {
        &self.like
    }

    /// The FTS5 query finding the term in any column of a SQLite text index, when the index
    /// can serve it.
    pub fn phrase(&self) -> Option<String> {
        self.phrase.clone()
    }

    /// The FTS5 query finding the term in one `column` of a SQLite text index.
    pub fn phrase_in(&self, column: &'static str) -> Option<String> {
        self.phrase.as_ref().map(|p| format!("{column} : {p}"))
    }

    /// Pushes the condition that `column` holds the id of a customer whose name holds the
    /// term: incidents, feedback and stories are all found by their customer's name. The ids
    /// are read first from the customers' index, so the outer table is reached through its
    /// index on `column` (on PostgreSQL as an array, which it can combine with other indexes
    /// in one bitmap where an `IN` subquery under `OR` would scan the table).
    pub fn customer_named(&self, q: &mut Sql, column: &'static str) {
        match self.phrase_in("name") {
            Some(name) => {
                q.push(column)
                    .push(" IN (SELECT rowid FROM customers_search WHERE customers_search MATCH ")
                    .bind(name)
                    .push(")");
            }
            None => self.ids_like(
                q,
                column,
                "SELECT id FROM customers WHERE LOWER(name) LIKE ",
            ),
        }
    }

    /// Pushes the condition that `column` is one of the ids `select` reads, `select` ending
    /// where the `LIKE` pattern goes (`… WHERE LOWER(name) LIKE `). On PostgreSQL the ids are
    /// an array, so `column`'s index can join the other conditions' in one bitmap.
    pub fn ids_like(&self, q: &mut Sql, column: &'static str, select: &'static str) {
        q.push(column);
        match self.dialect {
            Dialect::Postgres => q.push(" = ANY (ARRAY(").push(select),
            Dialect::Sqlite => q.push(" IN (").push(select),
        };
        q.bind(self.like()).push(" ESCAPE '\\')");
        if self.dialect == Dialect::Postgres {
            q.push(")");
        }
    }
}

/// A search term as a case-insensitive `LIKE` pattern (use with `LOWER(column)` and
/// `ESCAPE '\\'`), with the wildcards people type taken literally.
fn like_pattern(q: &str) -> String {
    let escaped = q
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_searches_search_for_nothing() {
        assert_eq!(Keyword::parse("  \t ", Dialect::Sqlite), None);
        assert_eq!(Keyword::parse("", Dialect::Postgres), None);
    }

    #[test]
    fn a_term_is_one_literal_phrase_with_its_quotes_doubled() {
        let k = Keyword::parse(r#" say "hi" OR x* -y NEAR( "#, Dialect::Sqlite).unwrap();
        assert_eq!(k.phrase().unwrap(), r#""say ""hi"" OR x* -y NEAR(""#);
        assert_eq!(
            k.phrase_in("name").unwrap(),
            r#"name : "say ""hi"" OR x* -y NEAR(""#
        );
    }

    #[test]
    fn short_terms_and_control_characters_fall_back_to_like() {
        for term in ["ab", "é!", "a\u{1}b", "tab\there"] {
            let k = Keyword::parse(term, Dialect::Sqlite).unwrap();
            assert_eq!(k.phrase(), None, "{term:?}");
        }
        assert!(Keyword::parse("abc", Dialect::Sqlite)
            .unwrap()
            .phrase()
            .is_some());
    }

    #[test]
    fn customers_are_found_by_name_through_each_databases_index() {
        let sql = |k: Keyword| {
            let mut q = Sql::new("");
            k.customer_named(&mut q, "i.customer_id");
            q.text().to_string()
        };
        assert_eq!(
            sql(Keyword::parse("reyes", Dialect::Sqlite).unwrap()),
            "i.customer_id IN (SELECT rowid FROM customers_search WHERE customers_search MATCH $1)"
        );
        assert_eq!(
            sql(Keyword::parse("re", Dialect::Sqlite).unwrap()),
            "i.customer_id IN (SELECT id FROM customers WHERE LOWER(name) LIKE $1 ESCAPE '\\')"
        );
        assert_eq!(
            sql(Keyword::parse("reyes", Dialect::Postgres).unwrap()),
            "i.customer_id = ANY (ARRAY(SELECT id FROM customers WHERE LOWER(name) LIKE $1 \
             ESCAPE '\\'))"
        );
    }

    #[test]
    fn rows_are_checked_with_the_same_pattern_in_every_column() {
        let mut q = Sql::new("");
        let k = Keyword::parse("Reyes", Dialect::Sqlite).unwrap();
        k.row_matches(&mut q, &["w.description", "c.name"]);
        assert_eq!(
            q.text(),
            "(LOWER(w.description) LIKE $1 ESCAPE '\\' OR LOWER(c.name) LIKE $2 ESCAPE '\\')"
        );
        assert!(k.walkable());
        // SQLite's LOWER leaves É as it is, where the text index folds it.
        assert!(!Keyword::parse("Émile", Dialect::Sqlite).unwrap().walkable());
        assert!(Keyword::parse("Émile", Dialect::Postgres)
            .unwrap()
            .walkable());
        assert!(Keyword::parse("É", Dialect::Sqlite).unwrap().walkable());
    }

    #[test]
    fn a_search_text_is_checked_only_for_terms_without_line_breaks() {
        let k = Keyword::parse("address\nord", Dialect::Postgres).unwrap();
        assert!(!k.plain());
        assert!(!k.walkable());
        let k = Keyword::parse("Reyes", Dialect::Postgres).unwrap();
        assert!(k.plain());
        let mut q = Sql::new("");
        k.held_by(&mut q, "w.search_text");
        assert_eq!(q.text(), "w.search_text LIKE $1 ESCAPE '\\'");
    }

    #[test]
    fn nul_characters_are_dropped() {
        assert_eq!(Keyword::parse("\0", Dialect::Postgres), None);
        let k = Keyword::parse("da\0na", Dialect::Postgres).unwrap();
        assert_eq!(k.like(), "%dana%");
    }

    #[test]
    fn postgresql_searches_with_like_patterns() {
        let k = Keyword::parse("50%_off\\", Dialect::Postgres).unwrap();
        assert_eq!(k.phrase(), None);
        assert_eq!(k.like(), "%50\\%\\_off\\\\%");
    }
}
