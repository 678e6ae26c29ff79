//! The one way dynamic SQL is built: statement text from `'static` pieces only, every value a
//! numbered bind (`$1, $2, …` on both databases), with helpers for `IN` lists, multi-row
//! `VALUES`, AND-ed filters and an `ORDER BY` chosen from an allow-list. Nothing a user sends
//! can reach the statement text, by construction rather than by convention.
use crate::error::AppError;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, Arguments};

/// One bound value. Flags are stored as 0/1 integers on both databases.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(Some(v.into()))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(Some(v.into()))
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(Some(v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}
impl From<Option<f64>> for Value {
    fn from(v: Option<f64>) -> Self {
        Value::Real(v)
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_string()))
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(Some(v.clone()))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::Text(v)
    }
}
impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        Value::Text(v.map(str::to_string))
    }
}

/// A statement being built. Clone it to run the same filters twice (a count and a page).
#[derive(Clone, Debug, Default)]
pub struct Sql {
    text: String,
    values: Vec<Value>,
    filtered: bool,
}

impl Sql {
    pub fn new(text: &'static str) -> Self {
        Self {
            text: text.to_string(),
            ..Self::default()
        }
    }

    /// A statement whose text already holds a `WHERE`, so the first [`Sql::and`] adds `AND`.
    pub fn filtered(text: &'static str) -> Self {
        Self {
            filtered: true,
            ..Self::new(text)
        }
    }

    pub fn push(&mut self, text: &'static str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends the next numbered placeholder and binds `value` to it.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        self.text.push('$');
        self.text.push_str(&self.values.len().to_string());
        self
    }

    /// Appends `inner` (its text and values), its placeholders numbered after this statement's:
    /// a statement built on its own can become a subquery of another.
    pub fn nest(&mut self, inner: &Sql) -> &mut Self {
        let offset = self.values.len();
        let mut chars = inner.text.chars().peekable();
        while let Some(c) = chars.next() {
            self.text.push(c);
            if c != '$' {
                continue;
            }
            let mut digits = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            match digits.parse::<usize>() {
                Ok(n) => self.text.push_str(&(n + offset).to_string()),
                Err(_) => self.text.push_str(&digits),
            }
        }
        self.values.extend(inner.values.iter().cloned());
        self
    }

    /// Starts one more condition: ` WHERE ` the first time, ` AND ` after.
    pub fn and(&mut self) -> &mut Self {
        self.text
            .push_str(if self.filtered { " AND " } else { " WHERE " });
        self.filtered = true;
        self
    }

    /// The next chunk of a walk in `time DESC, id DESC` order: when `after` is the last row
    /// read, one more condition keeping the rows that come after it.
    pub fn after(
        &mut self,
        time: &'static str,
        id: &'static str,
        after: Option<(i64, i64)>,
    ) -> &mut Self {
        if let Some((at, last)) = after {
            self.and().push("(").push(time).push(" < ").bind(at);
            self.push(" OR (").push(time).push(" = ").bind(at);
            self.push(" AND ")
                .push(id)
                .push(" < ")
                .bind(last)
                .push("))");
        }
        self
    }

    /// `($a, $b, …)` for an `IN` list; an empty list reads `(NULL)`, which matches nothing.
    pub fn list<V: Into<Value>>(&mut self, items: impl IntoIterator<Item = V>) -> &mut Self {
        self.text.push('(');
        let mut first = true;
        for item in items {
            if !first {
                self.text.push_str(", ");
            }
            first = false;
            self.bind(item);
        }
        if first {
            self.text.push_str("NULL");
        }
        self.text.push(')');
        self
    }

    /// `($1, $2), ($3, $4), …`: one parenthesised tuple per row, `write` binding its columns.
    pub fn rows<R>(
        &mut self,
        rows: impl IntoIterator<Item = R>,
        mut write: impl FnMut(&mut Row<'_>, R),
    ) -> &mut Self {
        let mut first = true;
        for r in rows {
            if !first {
                self.text.push_str(", ");
            }
            first = false;
            self.text.push('(');
            write(
                &mut Row {
                    sql: self,
                    first: true,
                },
                r,
            );
            self.text.push(')');
        }
        self
    }

    /// Appends the `ORDER BY` text that `allowed` pairs with `choice`; an unknown choice is a
    /// bad request, never text in the statement.
    pub fn order_by(
        &mut self,
        choice: &str,
        allowed: &[(&str, &'static str)],
    ) -> Result<&mut Self, AppError> {
        let Some((_, text)) = allowed.iter().find(|(name, _)| *name == choice) else {
            let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
            return Err(AppError::Request(format!(
                "'{choice}' is not a sort order here; use one of: {}.",
                names.join(", ")
            )));
        };
        self.text.push_str(" ORDER BY ");
        self.text.push_str(text);
        Ok(self)
    }

    /// Wraps the statement so it counts its rows up to `cap` + 1: enough to say "more than
    /// `cap`" without counting a large table to the end.
    pub fn capped_count(mut self, cap: i64) -> Self {
        self.text = format!("SELECT COUNT(*) FROM ({} LIMIT {}) x", self.text, cap + 1);
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    fn arguments<'q>(&self) -> AnyArguments<'q> {
        let mut args = AnyArguments::default();
        for v in &self.values {
            // Adding to AnyArguments only fails for types the driver cannot encode; these three
            // always encode.
            let added = match v {
                Value::Int(v) => args.add(*v),
                Value::Real(v) => args.add(*v),
                Value::Text(v) => args.add(v.clone()),
            };
            debug_assert!(added.is_ok());
        }
        args
    }

    pub fn query(&self) -> sqlx::query::Query<'_, Any, AnyArguments<'_>> {
        sqlx::query_with(&self.text, self.arguments())
    }

    pub fn query_scalar<O>(&self) -> sqlx::query::QueryScalar<'_, Any, O, AnyArguments<'_>>
    where
        (O,): for<'r> sqlx::FromRow<'r, AnyRow>,
    {
        sqlx::query_scalar_with(&self.text, self.arguments())
    }

    pub fn query_as<O>(&self) -> sqlx::query::QueryAs<'_, Any, O, AnyArguments<'_>>
    where
        O: for<'r> sqlx::FromRow<'r, AnyRow>,
    {
        sqlx::query_as_with(&self.text, self.arguments())
    }
}

/// The columns of one row of a multi-row `VALUES`.
pub struct Row<'a> {
    sql: &'a mut Sql,
    first: bool,
}

impl Row<'_> {
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        if !self.first {
            self.sql.text.push_str(", ");
        }
        self.first = false;
        self.sql.bind(value);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_are_numbered_in_the_order_they_are_pushed() {
        let mut q = Sql::new("SELECT id FROM incidents");
        q.and().push("status = ").bind("open");
        q.and().push("customer_id IN ").list([4_i64, 5, 6]);
        q.push(" LIMIT ").bind(25_i64);
        assert_eq!(
            q.text(),
            "SELECT id FROM incidents WHERE status = $1 AND customer_id IN ($2, $3, $4) LIMIT $5"
        );
        assert_eq!(q.values.len(), 5);
    }

    #[test]
    fn a_nested_statement_numbers_its_binds_after_the_outer_ones() {
        let mut inner = Sql::new("SELECT a FROM t WHERE b = ");
        inner.bind(7_i64).push(" AND c IN ").list(["x", "y"]);
        let mut q = Sql::new("SELECT COUNT(*), SUM(CASE WHEN a = ");
        q.bind("z").push(" THEN 1 ELSE 0 END) FROM (");
        q.nest(&inner).push(") m WHERE m.a <> ").bind("w");
        assert_eq!(
            q.text(),
            "SELECT COUNT(*), SUM(CASE WHEN a = $1 THEN 1 ELSE 0 END) FROM (SELECT a FROM t WHERE b = $2 AND c IN ($3, $4)) m WHERE m.a <> $5"
        );
        assert_eq!(q.values[1], Value::Int(Some(7)));
        assert_eq!(q.values.len(), 5);
    }

    #[test]
    fn a_statement_with_a_where_continues_with_and() {
        let mut q = Sql::filtered("SELECT 1 FROM t WHERE a = 1");
        q.and().push("b = ").bind(2_i64);
        assert_eq!(q.text(), "SELECT 1 FROM t WHERE a = 1 AND b = $1");
    }

    #[test]
    fn an_empty_list_matches_nothing() {
        let mut q = Sql::new("SELECT 1 FROM t WHERE id IN ");
        q.list(Vec::<i64>::new());
        assert_eq!(q.text(), "SELECT 1 FROM t WHERE id IN (NULL)");
    }

    #[test]
    fn rows_become_tuples_of_numbered_binds() {
        let mut q = Sql::new("INSERT INTO t (a, b) VALUES ");
        q.rows([(1_i64, "x"), (2, "y")], |r, (a, b)| {
            r.bind(a).bind(b);
        });
        assert_eq!(q.text(), "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
    }

    #[test]
    fn only_allowed_orders_reach_the_statement() {
        let allowed = [("newest", "created_at DESC"), ("name", "name ASC")];
        let mut q = Sql::new("SELECT 1 FROM t");
        q.order_by("name", &allowed).unwrap();
        assert_eq!(q.text(), "SELECT 1 FROM t ORDER BY name ASC");
        let mut q = Sql::new("SELECT 1 FROM t");
        assert!(q.order_by("name; DROP TABLE t", &allowed).is_err());
        assert_eq!(q.text(), "SELECT 1 FROM t");
    }

    #[test]
    fn a_capped_count_wraps_the_statement() {
        let mut q = Sql::new("SELECT 1 FROM t");
        q.and().push("a = ").bind(1_i64);
        assert_eq!(
            q.capped_count(100).text(),
            "SELECT COUNT(*) FROM (SELECT 1 FROM t WHERE a = $1 LIMIT 101) x"
        );
    }
}
