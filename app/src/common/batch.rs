//! The JSON batches other systems send (customers, orders, feedback, signals, imports):
//! 1 to 1,000 items, each checked field by field, every problem reported with its index and
//! field, and the whole batch refused if any item is wrong.
use crate::common::money::Money;
use crate::error::AppError;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const MAX_BATCH: usize = 1000;

/// The problems with one item: (field, message) each.
pub type Problems = Vec<(String, String)>;

pub use crate::error::ItemError;

/// Reads a request body as JSON, or says why it is not.
pub fn json(body: &[u8]) -> Result<Value, AppError> {
    serde_json::from_slice(body)
        .map_err(|e| AppError::Request(format!("The body is not valid JSON: {e}")))
}

/// An amount of money as sent: a decimal string (never a float) and an ISO 4217 currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MoneyIn {
    #[schema(example = "3.99", pattern = r"^[0-9]{1,15}(\.[0-9]{1,4})?$")]
    pub amount: String,
    #[schema(example = "USD", pattern = "^[A-Z]{3}$")]
    pub currency: String,
}

/// Reads one item into its request type, naming every field of the wrong type: after each
/// failure the field is set aside and the rest read again. Request types declare their fields
/// optional to serde (required-ness is checked with the values), so one missing or ill-typed
/// field never hides another.
pub fn read_item<T: DeserializeOwned>(item: &Value) -> Result<(T, Problems), Problems> {
    let Some(object) = item.as_object() else {
        return Err(vec![("item".into(), "must be an object".into())]);
    };
    let mut object = object.clone();
    let mut errors: Vec<(String, String)> = Vec::new();
    loop {
        match serde_path_to_error::deserialize::<_, T>(Value::Object(object.clone())) {
            Ok(read) => return Ok((read, errors)),
            Err(e) => {
                let path = e.path().to_string();
                let message = expected(&e.into_inner().to_string());
                let top = path
                    .split(['.', '['])
                    .next()
                    .unwrap_or_default()
                    .to_string();
                errors.push((path, message));
                if object.remove(&top).is_none() {
                    return Err(errors);
                }
            }
        }
    }
}

/// Reads one item with [`read_item`], then `check`s what was read into its domain type; every
/// problem of both steps, each field named once.
pub fn read_checked<T: DeserializeOwned, O>(
    item: &Value,
    check: impl FnOnce(T, &mut Vec<(String, String)>) -> Option<O>,
) -> Result<O, Vec<(String, String)>> {
    let (read, mut errors) = read_item::<T>(item)?;
    let mut more = Vec::new();
    let checked = check(read, &mut more);
    merge(&mut errors, more);
    match checked {
        Some(out) if errors.is_empty() => Ok(out),
        _ => Err(errors),
    }
}

/// Adds `more` to `errors`, leaving out fields already named.
fn merge(errors: &mut Vec<(String, String)>, more: Vec<(String, String)>) {
    for (field, message) in more {
        if !errors.iter().any(|(f, _)| *f == field) {
            errors.push((field, message));
        }
    }
}

/// A required value: `None` is recorded as missing.
pub fn required<T>(value: Option<T>, field: &str, errors: &mut Vec<(String, String)>) -> Option<T> {
    if value.is_none() {
        errors.push((field.into(), "is required".into()));
    }
    value
}

/// serde's "invalid type: integer `5`, expected a string" as "must be a string".
fn expected(serde_message: &str) -> String {
    match serde_message.split_once("expected ") {
        Some((_, what)) => {
            let what = what.split(" at line").next().unwrap_or(what);
            let what = match what {
                "i64" | "u64" | "i32" | "u32" | "usize" => "an integer",
                "f64" | "f32" => "a number",
                other => other,
            };
            format!("must be {what}")
        }
        None => serde_message.to_string(),
    }
}

/// Text as sent, trimmed, within `max` characters; blank counts as absent.
pub fn text(
    value: Option<String>,
    field: &str,
    max: usize,
    required: bool,
    errors: &mut Vec<(String, String)>,
) -> Option<String> {
    let value = value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    match value {
        None if required => {
            errors.push((field.into(), "must not be empty".into()));
            None
        }
        Some(v) if v.chars().count() > max => {
            errors.push((field.into(), format!("must be at most {max} characters")));
            None
        }
        v => v,
    }
}

/// Money as sent, checked against its currency; `required` refuses its absence.
pub fn money(
    value: Option<MoneyIn>,
    field: &str,
    required: bool,
    errors: &mut Vec<(String, String)>,
) -> Option<Money> {
    match value {
        None if required => {
            errors.push((
                field.into(),
                "is required: {\"amount\": \"12.50\", \"currency\": \"USD\"}".into(),
            ));
            None
        }
        None => None,
        Some(m) if m.amount.trim().is_empty() => {
            errors.push((format!("{field}.amount"), "must not be empty".into()));
            None
        }
        Some(m) if !plain_decimal(&m.amount) => {
            errors.push((
                format!("{field}.amount"),
                "must be a decimal string such as \"3.99\"".into(),
            ));
            None
        }
        Some(m) if m.currency.len() != 3 || !m.currency.bytes().all(|b| b.is_ascii_uppercase()) => {
            errors.push((
                format!("{field}.currency"),
                "must be an ISO 4217 code in capitals, such as USD".into(),
            ));
            None
        }
        Some(m) => match Money::parse(&m.amount, &m.currency) {
            Ok(money) => Some(money),
            Err(message) => {
                errors.push((field.into(), message));
                None
            }
        },
    }
}

/// Digits, then optionally a point and one to four more: what `MoneyIn::amount` documents.
fn plain_decimal(amount: &str) -> bool {
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, "1"));
    (1..=15).contains(&whole.len())
        && (1..=4).contains(&fraction.len())
        && whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
}

/// An RFC 3339 moment at most a day ahead of `now` (clocks drift).
pub fn moment(
    value: &str,
    field: &str,
    now: i64,
    errors: &mut Vec<(String, String)>,
) -> Option<i64> {
    match chrono::DateTime::parse_from_rfc3339(value.trim()) {
        Ok(t) if t.timestamp_millis() > now + 86_400_000 => {
            errors.push((field.into(), "is more than a day in the future".into()));
            None
        }
        Ok(t) => Some(t.timestamp_millis()),
        Err(_) => {
            errors.push((
                field.into(),
                "must be an RFC 3339 time such as 2026-11-20T21:14:00Z".into(),
            ));
            None
        }
    }
}

/// Checks a JSON array of 1 to 1,000 items with `parse`: every item valid, or every problem
/// with its index and field. `noun` names the items in messages ("signals").
pub fn parse_items<T>(
    body: &Value,
    noun: &str,
    parse: impl Fn(&Value) -> Result<T, Vec<(String, String)>>,
) -> Result<Vec<T>, AppError> {
    let Some(items) = body.as_array() else {
        return Err(AppError::Request(format!(
            "The body must be a JSON array of {noun}."
        )));
    };
    if items.is_empty() {
        return Err(AppError::Request(format!(
            "The batch is empty: send between 1 and 1,000 {noun}."
        )));
    }
    if items.len() > MAX_BATCH {
        return Err(AppError::Request(format!(
            "The batch holds {} {noun}; send at most {MAX_BATCH} at a time.",
            items.len()
        )));
    }
    let mut parsed = Vec::with_capacity(items.len());
    let mut problems = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match parse(item) {
            Ok(s) => parsed.push(s),
            Err(errs) => problems.extend(errs.into_iter().map(|(field, message)| ItemError {
                index,
                field,
                message,
            })),
        }
    }
    if problems.is_empty() {
        Ok(parsed)
    } else {
        Err(AppError::refused(noun, items.len(), problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    struct Item {
        name: Option<String>,
        count: Option<i64>,
    }

    #[test]
    fn every_ill_typed_field_is_named_not_only_the_first() {
        let (read, errors) = read_item::<Item>(&json!({"name": 5, "count": "x"})).unwrap();
        let mut fields: Vec<&str> = errors.iter().map(|e| e.0.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["count", "name"]);
        let count = errors.iter().find(|e| e.0 == "count").unwrap();
        assert_eq!(count.1, "must be an integer");
        assert!(read.name.is_none() && read.count.is_none());
        assert!(read_item::<Item>(&json!([1])).is_err());
    }

    #[test]
    fn money_must_be_a_plain_decimal_in_a_capitalised_currency() {
        let check = |amount: &str, currency: &str| {
            let mut errors = Vec::new();
            let m = MoneyIn {
                amount: amount.into(),
                currency: currency.into(),
            };
            (money(Some(m), "amount", true, &mut errors), errors)
        };
        assert_eq!(check("3.99", "USD").0.unwrap().minor, 399);
        for (amount, currency) in [
            ("3.", "USD"),
            (" 3.99", "USD"),
            ("1e3", "USD"),
            ("3.99", ""),
            ("3.99", "usd"),
            ("3.999", "USD"),
        ] {
            let (money, errors) = check(amount, currency);
            assert!(money.is_none() && !errors.is_empty(), "{amount} {currency}");
        }
        let mut errors = Vec::new();
        assert!(money(None, "amount", true, &mut errors).is_none());
        assert_eq!(errors[0].0, "amount");
    }

    #[test]
    fn batches_hold_one_to_a_thousand_objects() {
        let ok =
            |v: &Value| -> Result<(), Vec<(String, String)>> { read_item::<Item>(v).map(|_| ()) };
        assert!(parse_items(&json!({}), "things", ok).is_err());
        assert!(parse_items(&json!([]), "things", ok).is_err());
        assert!(parse_items(&Value::Array(vec![json!({}); 1001]), "things", ok).is_err());
        assert_eq!(
            parse_items(&Value::Array(vec![json!({}); 1000]), "things", ok)
                .unwrap()
                .len(),
            1000
        );
        let refused = parse_items(&json!([{}, 7]), "things", ok).unwrap_err();
        assert_eq!(refused.status(), 400);
        assert!(refused.to_string().contains("1 of 2 things"), "{refused}");
    }
}
