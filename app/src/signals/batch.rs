//! A batch of signals from another system: the request type the API documents and reads, and
//! the check that turns each item into a signal or names every problem with it.
use crate::common::batch::{moment, money, parse_items, read_checked, required, text, MoneyIn};
use crate::common::money::Money;
use crate::error::AppError;
use serde::Deserialize;
use serde_json::Value;

/// One service-quality observation about a customer and a subject, as sent.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SignalItem {
    /// Unique per signal at the sender; re-sending the same key changes nothing.
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 200,
        pattern = r"\S",
        example = "src-81723"
    )]
    pub idempotency_key: Option<String>,
    /// Letters, digits, '.', '_' and '-'.
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 100,
        pattern = "^[A-Za-z0-9._-]+$",
        example = "playback.rebuffer_ratio"
    )]
    pub kind: Option<String>,
    /// The customer's external reference or email. Unknown customers are created from it.
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 254,
        pattern = r"\S",
        example = "c-1001"
    )]
    pub customer: Option<String>,
    #[schema(max_length = 120, example = "rental-987")]
    pub subject: Option<String>,
    #[schema(required = true, nullable = false, example = 0.18)]
    pub value: Option<f64>,
    #[schema(max_length = 40, example = "ratio")]
    pub unit: Option<String>,
    pub amount_at_stake: Option<MoneyIn>,
    /// When it was observed: RFC 3339, at most a day ahead of the server's clock.
    #[schema(required = true, nullable = false, format = DateTime, example = "2026-11-20T21:14:00Z")]
    pub observed_at: Option<String>,
}

/// One valid signal.
#[derive(Clone, Debug, PartialEq)]
pub struct SignalIn {
    pub idempotency_key: String,
    pub kind: String,
    pub customer: String,
    pub subject: Option<String>,
    pub value: f64,
    pub unit: Option<String>,
    pub amount_at_stake: Option<Money>,
    pub observed_at: i64,
}

impl SignalItem {
    fn check(self, now: i64, errors: &mut Vec<(String, String)>) -> Option<SignalIn> {
        let idempotency_key = text(self.idempotency_key, "idempotency_key", 200, true, errors);
        let kind = text(self.kind, "kind", 100, true, errors);
        if let Some(k) = &kind {
            if !k
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            {
                errors.push((
                    "kind".into(),
                    "may hold only letters, digits, '.', '_' and '-'".into(),
                ));
            }
        }
        let customer = text(self.customer, "customer", 254, true, errors);
        let subject = text(self.subject, "subject", 120, false, errors);
        let unit = text(self.unit, "unit", 40, false, errors);
        let value = required(self.value, "value", errors).filter(|v| v.is_finite());
        let amount_at_stake = money(self.amount_at_stake, "amount_at_stake", false, errors);
        let observed_at = required(self.observed_at, "observed_at", errors)
            .and_then(|t| moment(&t, "observed_at", now, errors));
        Some(SignalIn {
            idempotency_key: idempotency_key?,
            kind: kind?,
            customer: customer?,
            subject,
            value: value?,
            unit,
            amount_at_stake,
            observed_at: observed_at?,
        })
    }
}

/// Checks one item; returns the signal or the list of (field, message).
pub fn parse_item(item: &Value, now: i64) -> Result<SignalIn, Vec<(String, String)>> {
    read_checked(item, |read: SignalItem, errors| read.check(now, errors))
}

/// Checks a whole batch: all items valid, or the refusal naming every problem.
pub fn parse_batch(body: &Value, now: i64) -> Result<Vec<SignalIn>, AppError> {
    parse_items(body, "signals", |item| parse_item(item, now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    const NOW: i64 = 1_795_000_000_000;

    fn good() -> Value {
        json!({"idempotency_key": "src-81723", "kind": "playback.rebuffer_ratio", "customer": "c-1001", "subject": "rental-987",
               "value": 0.18, "unit": "ratio", "amount_at_stake": {"amount": "3.99", "currency": "USD"}, "observed_at": "2026-11-17T21:14:00Z"})
    }

    #[test]
    fn a_well_formed_signal_parses_with_money_in_cents() {
        let s = parse_item(&good(), NOW).unwrap();
        assert_eq!(s.amount_at_stake.unwrap().minor, 399);
        assert_eq!(s.subject.as_deref(), Some("rental-987"));
    }

    #[test]
    fn unit_and_amount_are_optional() {
        let mut v = good();
        v.as_object_mut().unwrap().remove("unit");
        v["amount_at_stake"] = Value::Null;
        assert!(parse_item(&v, NOW).is_ok());
    }

    #[test]
    fn money_as_a_float_is_refused() {
        let mut v = good();
        v["amount_at_stake"] = json!({"amount": 3.99, "currency": "USD"});
        let errs = parse_item(&v, NOW).unwrap_err();
        assert_eq!(errs[0].0, "amount_at_stake.amount");
    }

    #[test]
    fn every_bad_field_of_an_item_is_named() {
        let v = json!({"kind": "bad kind!", "customer": "", "value": "high", "observed_at": "yesterday"});
        let fields: Vec<String> = parse_item(&v, NOW)
            .unwrap_err()
            .into_iter()
            .map(|e| e.0)
            .collect();
        for f in [
            "idempotency_key",
            "kind",
            "customer",
            "value",
            "observed_at",
        ] {
            assert!(fields.contains(&f.to_string()), "{f} in {fields:?}");
        }
    }

    #[test]
    fn a_batch_with_one_bad_item_is_refused_whole_naming_the_item() {
        let mut bad = good();
        bad["value"] = Value::Null;
        let refused = parse_batch(&json!([good(), bad]), NOW).unwrap_err();
        assert!(refused.to_string().contains("1 of 2"));
        let AppError::Refused { items, .. } = refused else {
            panic!("{refused:?}")
        };
        assert_eq!(items[0].index, 1);
        assert_eq!(items[0].field, "value");
    }

    #[test]
    fn batches_must_be_arrays_of_one_to_a_thousand() {
        assert!(parse_batch(&json!({"kind": "x"}), NOW).is_err());
        assert!(parse_batch(&json!([]), NOW).is_err());
        assert!(parse_batch(&Value::Array(vec![good(); 1001]), NOW).is_err());
        assert_eq!(
            parse_batch(&Value::Array(vec![good(); 1000]), NOW)
                .unwrap()
                .len(),
            1000
        );
    }

    #[test]
    fn the_far_future_is_refused() {
        let mut v = good();
        v["observed_at"] = json!("2099-01-01T00:00:00Z");
        assert!(parse_item(&v, NOW).is_err());
    }
}
