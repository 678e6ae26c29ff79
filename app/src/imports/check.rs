//! Checks an uploaded file without storing anything: the file as a whole (encoding, quoting,
//! columns), then every line with the same parsers the JSON API uses, then what only the
//! database knows and can be read without writing (which customers exist).
use super::csv::{self, Record};
use super::{ImportKind, LineError};
use crate::common::batch::ItemError;
use crate::customers::bulk::CustomerIn;
use crate::db::Db;
use crate::error::AppError;
use crate::loyalty::orders::{self, OrderIn};
use chrono_tz::Tz;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Rows shown on the preview.
pub const PREVIEW_ROWS: usize = 10;

pub enum Items {
    Customers(Vec<CustomerIn>),
    Orders(Vec<OrderIn>),
}

/// A readable file: its rows as checked, and every problem found on a line.
pub struct Checked {
    pub header: Vec<String>,
    pub preview: Vec<Vec<String>>,
    pub rows: usize,
    /// The file line of each item, for turning batch indexes into line numbers.
    pub lines: Vec<usize>,
    pub items: Items,
    pub errors: Vec<LineError>,
}

impl Checked {
    /// Names problems found by the batch checks (index → file line).
    pub fn add_item_errors(&mut self, problems: Vec<ItemError>) {
        for p in problems {
            self.errors.push(LineError {
                line: self.lines.get(p.index).copied().unwrap_or(0),
                field: p.field,
                message: p.message,
            });
        }
        self.errors.sort_by_key(|e| e.line);
    }
}

/// Reads and checks a file. `Err` is a message about the whole file.
pub fn read(kind: ImportKind, bytes: &[u8], now: i64, tz: Tz) -> Result<Checked, String> {
    let (raw_header, records) = csv::read(bytes)?;
    let header = columns(kind, &raw_header)?;
    let preview = records
        .iter()
        .take(PREVIEW_ROWS)
        .map(|r| r.fields.clone())
        .collect();
    let mut errors = Vec::new();
    let mut lines = Vec::with_capacity(records.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut emails: HashMap<String, usize> = HashMap::new();
    let mut customers = Vec::new();
    let mut orders = Vec::new();
    for record in &records {
        let Some(item) = to_json(kind, &header, record, tz, &mut errors) else {
            continue;
        };
        let parsed = match kind {
            ImportKind::Customers => crate::customers::request::parse(&item).map(|c| {
                customers.push(c);
            }),
            ImportKind::Orders => crate::loyalty::order_request::parse(&item, now).map(|o| {
                orders.push(o);
            }),
        };
        match parsed {
            Ok(()) => lines.push(record.line),
            Err(problems) => {
                errors.extend(problems.into_iter().map(|(field, message)| LineError {
                    line: record.line,
                    field: column_of(&field),
                    message,
                }))
            }
        }
    }
    // The same record twice in one file is a sign of a bad export, not an update.
    let keys: Vec<(String, Option<String>)> = match kind {
        ImportKind::Customers => customers
            .iter()
            .map(|c| {
                (
                    c.fields.external_ref.clone().unwrap_or_default(),
                    c.fields.email.clone(),
                )
            })
            .collect(),
        ImportKind::Orders => orders
            .iter()
            .map(|o| (o.external_id.clone(), None))
            .collect(),
    };
    let key_field = header_key(kind);
    for ((key, email), line) in keys.iter().zip(&lines) {
        if let Some(first) = seen.insert(key.clone(), *line) {
            errors.push(LineError {
                line: *line,
                field: key_field.into(),
                message: format!("'{key}' is also on line {first}; each may appear once"),
            });
        }
        if let Some(email) = email {
            if let Some(first) = emails.insert(email.to_lowercase(), *line) {
                errors.push(LineError {
                    line: *line,
                    field: "email".into(),
                    message: format!("{email} is also on line {first}"),
                });
            }
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok(Checked {
        header,
        preview,
        rows: records.len(),
        lines,
        items: match kind {
            ImportKind::Customers => Items::Customers(customers),
            ImportKind::Orders => Items::Orders(orders),
        },
        errors,
    })
}

/// Adds what the database can tell without writing: orders for customers nobody has.
pub async fn against_database(db: &Db, checked: &mut Checked) -> Result<(), AppError> {
    if let Items::Orders(items) = &checked.items {
        let mut conn = db.acquire().await?;
        if let Err(problems) = orders::resolve(&mut conn, items).await? {
            checked.add_item_errors(problems);
        }
    }
    Ok(())
}

fn header_key(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Customers => "external_ref",
        ImportKind::Orders => "external_id",
    }
}

/// Normalised column names, or why the header is wrong.
fn columns(kind: ImportKind, raw: &[String]) -> Result<Vec<String>, String> {
    let (required, optional) = kind.columns();
    let expected = required
        .iter()
        .chain(optional.iter())
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    let header: Vec<String> = raw
        .iter()
        .map(|h| h.trim().to_lowercase().replace([' ', '-'], "_"))
        .collect();
    for (i, name) in header.iter().enumerate() {
        if name.is_empty() {
            return Err(format!(
                "Column {} of the header line has no name. The columns for {} are: {expected}.",
                i + 1,
                kind.as_str()
            ));
        }
        if !required.contains(&name.as_str()) && !optional.contains(&name.as_str()) {
            return Err(format!(
                "Line 1 names a column this import does not know: '{}'. The columns for {} are: \
                 {expected}.",
                raw[i].trim(),
                kind.as_str()
            ));
        }
        if header[..i].contains(name) {
            return Err(format!("Line 1 names the column '{name}' twice."));
        }
    }
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| !header.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "The file lacks the column{} {} (line 1). The columns for {} are: {expected}.",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            kind.as_str()
        ));
    }
    Ok(header)
}

/// One line as the JSON item the API parsers take; empty cells are absent values.
fn to_json(
    kind: ImportKind,
    header: &[String],
    record: &Record,
    tz: Tz,
    errors: &mut Vec<LineError>,
) -> Option<Value> {
    if record.fields.len() != header.len() {
        errors.push(LineError {
            line: record.line,
            field: "line".into(),
            message: format!(
                "has {} fields; the header has {}",
                record.fields.len(),
                header.len()
            ),
        });
        return None;
    }
    let cell = |name: &str| -> Value {
        header
            .iter()
            .position(|h| h == name)
            .map(|i| record.fields[i].trim())
            .filter(|v| !v.is_empty())
            .map_or(Value::Null, |v| Value::String(v.to_string()))
    };
    let mut item = Map::new();
    match kind {
        ImportKind::Customers => {
            for name in header {
                item.insert(name.clone(), cell(name));
            }
        }
        ImportKind::Orders => {
            item.insert("external_id".into(), cell("external_id"));
            item.insert("customer".into(), cell("customer"));
            let amount = cell("amount");
            let currency = cell("currency");
            if amount.is_null() || currency.is_null() {
                errors.push(LineError {
                    line: record.line,
                    field: if amount.is_null() {
                        "amount"
                    } else {
                        "currency"
                    }
                    .into(),
                    message: "is required".into(),
                });
                return None;
            }
            item.insert(
                "amount".into(),
                serde_json::json!({ "amount": amount, "currency": currency }),
            );
            item.insert("placed_at".into(), placed_at(cell("placed_at"), tz));
        }
    }
    Some(Value::Object(item))
}

/// A plain date (2026-10-02) means the start of that day in the organisation's time zone.
fn placed_at(value: Value, tz: Tz) -> Value {
    match &value {
        Value::String(s) => match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(day) => {
                let ms = crate::org::clock::start_of(tz, day);
                chrono::DateTime::from_timestamp_millis(ms)
                    .map_or(value, |t| Value::String(t.to_rfc3339()))
            }
            Err(_) => value,
        },
        _ => value,
    }
}

/// The CSV column a parser's field path refers to ("amount.amount" → "amount").
fn column_of(field: &str) -> String {
    field.split('.').next().unwrap_or(field).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000_000;

    fn check(kind: ImportKind, text: &str) -> Result<Checked, String> {
        read(kind, text.as_bytes(), NOW, chrono_tz::UTC)
    }

    #[test]
    fn reads_valid_orders_with_dates_and_times() {
        let c = check(
            ImportKind::Orders,
            "External ID,Customer,Amount,Currency,Placed at\no-1,c-1,42.50,USD,2026-10-02T15:30:00Z\no-2,c-1,3,EUR,2026-10-03\n",
        )
        .unwrap();
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        let Items::Orders(items) = c.items else {
            panic!()
        };
        assert_eq!(items[0].amount.minor, 4250);
        assert_eq!(
            items[1].placed_at, 1_790_985_600_000,
            "2026-10-03T00:00:00Z"
        );
        assert_eq!(c.lines, vec![2, 3]);
    }

    #[test]
    fn names_every_bad_line_and_column() {
        let c = check(
            ImportKind::Orders,
            "external_id,customer,amount,currency,placed_at\no-1,c-1,abc,USD,2026-10-02\no-2,c-1,1.00,USD,yesterday\no-3,c-1,1.00\no-1,c-2,2.00,USD,2026-10-02\n",
        )
        .unwrap();
        let got: Vec<(usize, &str)> = c
            .errors
            .iter()
            .map(|e| (e.line, e.field.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![(2, "amount"), (3, "placed_at"), (4, "line")],
            "{:?}",
            c.errors
        );
        let c = check(
            ImportKind::Customers,
            "external_ref,name,email\nc-1,Dana,d@x.com\nc-2,Ann,D@x.com\nc-1,Dana again,\n",
        )
        .unwrap();
        let got: Vec<(usize, &str)> = c
            .errors
            .iter()
            .map(|e| (e.line, e.field.as_str()))
            .collect();
        assert_eq!(got, vec![(3, "email"), (4, "external_ref")]);
    }

    #[test]
    fn refuses_wrong_columns_whole() {
        let err = check(ImportKind::Orders, "external_ref,name\nc-1,Dana\n")
            .err()
            .unwrap();
        assert!(err.contains("does not know: 'external_ref'"), "{err}");
        let err = check(ImportKind::Orders, "external_id,customer,amount\no,c,1\n")
            .err()
            .unwrap();
        assert!(
            err.contains("lacks the columns currency, placed_at"),
            "{err}"
        );
        let err = check(ImportKind::Customers, "name,name,external_ref\na,b,c\n")
            .err()
            .unwrap();
        assert!(err.contains("twice"), "{err}");
    }
}
