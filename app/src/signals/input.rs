//! Parsing what arrives: a batch of signals from another system (JSON), and a detection rule
//! from the manager's form. Every problem is reported with where it is.
use super::rule::{Comparison, RecoveryPlan};
use crate::error::{AppError, FieldError};
use crate::incidents::money::Money;
use crate::incidents::Severity;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const MAX_BATCH: usize = 1000;

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

/// A problem with one field of one item of a batch.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemError {
    pub index: usize,
    pub field: String,
    pub message: String,
}

pub(crate) fn text(
    item: &Value,
    field: &str,
    max: usize,
    required: bool,
    errors: &mut Vec<(String, String)>,
) -> Option<String> {
    match item.get(field) {
        None | Some(Value::Null) if !required => None,
        None | Some(Value::Null) => {
            errors.push((field.into(), "is required".into()));
            None
        }
        Some(Value::String(s)) if s.trim().is_empty() && required => {
            errors.push((field.into(), "must not be empty".into()));
            None
        }
        Some(Value::String(s)) if s.chars().count() > max => {
            errors.push((field.into(), format!("must be at most {max} characters")));
            None
        }
        Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Some(_) => {
            errors.push((field.into(), "must be a string".into()));
            None
        }
    }
}

/// A money object `{"amount": "3.99", "currency": "USD"}`; `required` refuses its absence.
pub(crate) fn money(
    item: &Value,
    field: &str,
    required: bool,
    errors: &mut Vec<(String, String)>,
) -> Option<Money> {
    match item.get(field) {
        None | Some(Value::Null) if !required => None,
        None | Some(Value::Null) => {
            errors.push((
                field.into(),
                "is required: {\"amount\": \"12.50\", \"currency\": \"USD\"}".into(),
            ));
            None
        }
        Some(Value::Object(m)) => match (m.get("amount"), m.get("currency")) {
            (Some(Value::String(a)), Some(Value::String(c))) => match Money::parse(a, c) {
                Ok(money) if !a.trim().is_empty() => Some(money),
                Ok(_) => {
                    errors.push((format!("{field}.amount"), "must not be empty".into()));
                    None
                }
                Err(m) => {
                    errors.push((field.into(), m));
                    None
                }
            },
            (Some(Value::Number(_)), _) => {
                errors.push((
                    format!("{field}.amount"),
                    "must be a decimal string such as \"3.99\", not a number".into(),
                ));
                None
            }
            _ => {
                errors.push((
                    field.into(),
                    "needs \"amount\" (a decimal string) and \"currency\"".into(),
                ));
                None
            }
        },
        Some(_) => {
            errors.push((
                field.into(),
                "must be an object with amount and currency".into(),
            ));
            None
        }
    }
}

/// A required RFC 3339 moment, at most a day ahead of `now` (clocks drift).
pub(crate) fn moment(
    item: &Value,
    field: &str,
    now: i64,
    errors: &mut Vec<(String, String)>,
) -> Option<i64> {
    match item.get(field) {
        Some(Value::String(s)) => match chrono::DateTime::parse_from_rfc3339(s) {
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
        },
        _ => {
            errors.push((field.into(), "is required (RFC 3339 time)".into()));
            None
        }
    }
}

/// Checks one item; returns the signal or the list of (field, message).
pub fn parse_item(item: &Value, now: i64) -> Result<SignalIn, Vec<(String, String)>> {
    let mut errors = Vec::new();
    if !item.is_object() {
        return Err(vec![("item".into(), "must be an object".into())]);
    }
    let idempotency_key = text(item, "idempotency_key", 200, true, &mut errors);
    let kind = text(item, "kind", 100, true, &mut errors);
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
    let customer = text(item, "customer", 254, true, &mut errors);
    let subject = text(item, "subject", 120, false, &mut errors);
    let unit = text(item, "unit", 40, false, &mut errors);
    let value = match item.get("value") {
        Some(Value::Number(n)) => n.as_f64().filter(|v| v.is_finite()),
        _ => None,
    };
    if value.is_none() {
        errors.push(("value".into(), "is required and must be a number".into()));
    }
    let amount_at_stake = money(item, "amount_at_stake", false, &mut errors);
    let observed_at = moment(item, "observed_at", now, &mut errors);
    match (
        idempotency_key,
        kind,
        customer,
        value,
        observed_at,
        errors.is_empty(),
    ) {
        (
            Some(idempotency_key),
            Some(kind),
            Some(customer),
            Some(value),
            Some(observed_at),
            true,
        ) => Ok(SignalIn {
            idempotency_key,
            kind,
            customer,
            subject,
            value,
            unit,
            amount_at_stake,
            observed_at,
        }),
        _ => Err(errors),
    }
}

/// Checks a whole batch: all items valid, or the list of every problem.
pub fn parse_batch(body: &Value, now: i64) -> Result<Vec<SignalIn>, (String, Vec<ItemError>)> {
    parse_items(body, "signals", |item| parse_item(item, now))
}

/// Checks a JSON array of 1 to 1,000 items with `parse`: every item valid, or every problem
/// with its index and field. `noun` names the items in messages ("signals").
pub fn parse_items<T>(
    body: &Value,
    noun: &str,
    parse: impl Fn(&Value) -> Result<T, Vec<(String, String)>>,
) -> Result<Vec<T>, (String, Vec<ItemError>)> {
    let Some(items) = body.as_array() else {
        return Err((format!("The body must be a JSON array of {noun}."), vec![]));
    };
    if items.is_empty() {
        return Err((
            format!("The batch is empty: send between 1 and 1,000 {noun}."),
            vec![],
        ));
    }
    if items.len() > MAX_BATCH {
        return Err((
            format!(
                "The batch holds {} {noun}; send at most {MAX_BATCH} at a time.",
                items.len()
            ),
            vec![],
        ));
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
        let bad: std::collections::BTreeSet<usize> = problems.iter().map(|p| p.index).collect();
        Err((
            format!(
                "The batch was refused: {} of {} {noun} are invalid; nothing was stored.",
                bad.len(),
                items.len()
            ),
            problems,
        ))
    }
}

/// A detection rule as the manager's form sends it, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleDraft {
    pub name: String,
    pub signal_kind: String,
    pub comparison: Comparison,
    pub threshold: f64,
    pub min_count: i64,
    pub window_minutes: i64,
    pub category_id: i64,
    pub severity: Severity,
    pub recovery: RecoveryPlan,
    pub refund_percent: i64,
    pub cap_minor: i64,
    pub credit_minor: i64,
    pub currency: String,
    pub auto_apply_limit_minor: i64,
    pub notice_subject: String,
    pub notice_template: String,
}

/// The rule form's fields, as strings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleForm {
    pub name: String,
    pub signal_kind: String,
    pub comparison: String,
    pub threshold: String,
    pub min_count: String,
    pub window_minutes: String,
    pub category_id: String,
    pub severity: String,
    pub recovery: String,
    pub refund_percent: String,
    pub cap: String,
    pub credit: String,
    pub currency: String,
    pub auto_apply_limit: String,
    pub notice_subject: String,
    pub notice_template: String,
}

impl RuleForm {
    pub fn parse(&self) -> Result<RuleDraft, AppError> {
        let mut e = Vec::new();
        let mut need = |ok: bool, field: &str, msg: &str| {
            if !ok {
                e.push(FieldError::new(field, msg));
            }
        };
        let name = self.name.trim().to_string();
        need(
            !name.is_empty() && name.chars().count() <= 80,
            "name",
            "Name the rule in up to 80 characters.",
        );
        let kind = self.signal_kind.trim().to_string();
        need(
            !kind.is_empty()
                && kind.len() <= 100
                && kind
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
            "signal_kind",
            "Enter the signal kind, e.g. playback.rebuffer_ratio.",
        );
        let comparison = Comparison::parse(&self.comparison);
        need(comparison.is_some(), "comparison", "Choose a comparison.");
        let threshold = self
            .threshold
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|t| t.is_finite());
        need(
            threshold.is_some(),
            "threshold",
            "Enter a number, e.g. 0.05.",
        );
        let count = |s: &str, default: i64| {
            if s.trim().is_empty() {
                Some(default)
            } else {
                s.trim().parse::<i64>().ok()
            }
        };
        let min_count = count(&self.min_count, 1).filter(|n| (1..=1000).contains(n));
        need(
            min_count.is_some(),
            "min_count",
            "Enter how many signals, from 1 to 1000.",
        );
        let window = count(&self.window_minutes, 0).filter(|n| (0..=43_200).contains(n));
        need(
            window.is_some(),
            "window_minutes",
            "Enter minutes from 0 (any time) to 43200 (30 days).",
        );
        let category_id = self.category_id.trim().parse::<i64>().ok();
        need(category_id.is_some(), "category_id", "Choose a category.");
        let severity = Severity::parse(&self.severity);
        need(severity.is_some(), "severity", "Choose a severity.");
        let recovery = RecoveryPlan::parse(&self.recovery);
        need(
            recovery.is_some(),
            "recovery",
            "Choose the recovery to propose.",
        );
        let percent = count(&self.refund_percent, 100).filter(|p| (1..=100).contains(p));
        need(
            percent.is_some(),
            "refund_percent",
            "Enter a percentage from 1 to 100.",
        );
        let currency = crate::incidents::money::parse_currency(&self.currency);
        let in_currency = currency.clone().unwrap_or_else(|_| "USD".into());
        let money = |s: &str| Money::parse(s, &in_currency).map(|m| m.minor);
        let cap = money(&self.cap);
        let credit = money(&self.credit);
        let limit = money(&self.auto_apply_limit);
        need(
            cap.is_ok(),
            "cap",
            "Enter an amount like 5.00 (empty: no cap).",
        );
        need(credit.is_ok(), "credit", "Enter an amount like 10.00.");
        need(
            limit.is_ok(),
            "auto_apply_limit",
            "Enter an amount like 5.00.",
        );
        need(
            currency.is_ok(),
            "currency",
            "Use a three-letter currency code such as USD.",
        );
        if recovery == Some(RecoveryPlan::Credit) && credit.as_ref().is_ok_and(|c| *c == 0) {
            e.push(FieldError::new("credit", "Enter the credit to give."));
        }
        let subject = self.notice_subject.trim().to_string();
        let template = self.notice_template.trim().to_string();
        if subject.is_empty() || subject.chars().count() > 200 {
            e.push(FieldError::new(
                "notice_subject",
                "Give the notice a subject of up to 200 characters.",
            ));
        }
        if template.is_empty() || template.chars().count() > 8000 {
            e.push(FieldError::new(
                "notice_template",
                "Write the notice the customer receives.",
            ));
        }
        if !e.is_empty() {
            return Err(AppError::fields(e));
        }
        Ok(RuleDraft {
            name,
            signal_kind: kind,
            comparison: comparison.unwrap(),
            threshold: threshold.unwrap(),
            min_count: min_count.unwrap(),
            window_minutes: window.unwrap(),
            category_id: category_id.unwrap(),
            severity: severity.unwrap(),
            recovery: recovery.unwrap(),
            refund_percent: percent.unwrap(),
            cap_minor: cap.unwrap(),
            credit_minor: credit.unwrap(),
            currency: currency.unwrap(),
            auto_apply_limit_minor: limit.unwrap(),
            notice_subject: subject,
            notice_template: template,
        })
    }
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
        let (message, errors) = parse_batch(&json!([good(), bad]), NOW).unwrap_err();
        assert!(message.contains("1 of 2"));
        assert_eq!(errors[0].index, 1);
        assert_eq!(errors[0].field, "value");
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

    fn form() -> RuleForm {
        RuleForm {
            name: "Rebuffering".into(),
            signal_kind: "playback.rebuffer_ratio".into(),
            comparison: "gt".into(),
            threshold: "0.05".into(),
            category_id: "4".into(),
            severity: "minor".into(),
            recovery: "refund_percent".into(),
            cap: "5.00".into(),
            auto_apply_limit: "5.00".into(),
            notice_subject: "Refunded".into(),
            notice_template: "Dear {name}".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_rule_form_parses_with_defaults_for_count_window_and_percent() {
        let d = form().parse().unwrap();
        assert_eq!(
            (d.min_count, d.window_minutes, d.refund_percent, d.cap_minor),
            (1, 0, 100, 500)
        );
        assert_eq!(d.currency, "USD");
    }

    #[test]
    fn a_rule_form_reports_every_bad_field() {
        let bad = RuleForm {
            threshold: "lots".into(),
            min_count: "0".into(),
            refund_percent: "150".into(),
            comparison: "~".into(),
            ..form()
        };
        let err = bad.parse().unwrap_err();
        for f in ["threshold", "min_count", "refund_percent", "comparison"] {
            assert!(err.field_message(f).is_some(), "{f}");
        }
    }
}
