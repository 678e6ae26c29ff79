//! A detection rule from the manager's form, checked field by field.
use super::rule::{Comparison, RecoveryPlan};
use crate::common::money::Money;
use crate::error::{AppError, FieldError};
use crate::incidents::Severity;
use serde::{Deserialize, Serialize};

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
        let currency = crate::common::money::parse_currency(&self.currency);
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
