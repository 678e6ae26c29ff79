//! Parsing what staff type when they log an incident or record what was done.
use super::{ActionKind, Severity, Source};
use crate::common::moment::parse_moment;
use crate::common::money::Money;
use crate::error::{AppError, FieldError};

/// A new incident as typed, before the customer reference is looked up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewIncident {
    /// An existing customer's id, external reference or email.
    pub customer: String,
    /// A name for a customer to create on the spot, when `customer` is empty.
    pub new_customer_name: Option<String>,
    pub category_id: i64,
    /// None: the category's default.
    pub severity: Option<Severity>,
    pub source: Source,
    pub occurred_at: i64,
    pub subject_ref: Option<String>,
    pub description: String,
}

impl NewIncident {
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        customer: &str,
        new_customer_name: &str,
        category_id: &str,
        severity: &str,
        source: &str,
        occurred_at: &str,
        subject_ref: &str,
        description: &str,
        now: i64,
    ) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let customer = customer.trim().to_string();
        let new_customer_name = Some(
            new_customer_name
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        )
        .filter(|n| !n.is_empty());
        if customer.is_empty() && new_customer_name.is_none() {
            errors.push(FieldError::new(
                "customer",
                "Choose the customer, or type a name to add a new one.",
            ));
        }
        let category_id = category_id.trim().parse::<i64>().unwrap_or_else(|_| {
            errors.push(FieldError::new("category_id", "Choose a category."));
            0
        });
        let severity = match severity.trim() {
            "" | "default" => None,
            s => Severity::parse(s).or_else(|| {
                errors.push(FieldError::new(
                    "severity",
                    "Choose minor, major or critical.",
                ));
                None
            }),
        };
        let source = Source::parse(source).unwrap_or_else(|| {
            errors.push(FieldError::new(
                "source",
                "Choose how the incident came to light.",
            ));
            Source::Staff
        });
        let occurred_at = if occurred_at.trim().is_empty() {
            now
        } else {
            match parse_moment(occurred_at) {
                Ok(t) if t > now + 5 * 60_000 => {
                    errors.push(FieldError::new(
                        "occurred_at",
                        "That moment is in the future.",
                    ));
                    now
                }
                Ok(t) => t,
                Err(m) => {
                    errors.push(FieldError::new("occurred_at", m));
                    now
                }
            }
        };
        let subject_ref = Some(subject_ref.trim().to_string()).filter(|s| !s.is_empty());
        if subject_ref
            .as_ref()
            .is_some_and(|s| s.chars().count() > 120)
        {
            errors.push(FieldError::new(
                "subject_ref",
                "Keep the reference under 120 characters.",
            ));
        }
        let description = description.trim().to_string();
        if description.is_empty() {
            errors.push(FieldError::new(
                "description",
                "Say briefly what went wrong.",
            ));
        } else if description.chars().count() > 4000 {
            errors.push(FieldError::new(
                "description",
                "Keep the description under 4,000 characters.",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::fields(errors));
        }
        Ok(Self {
            customer,
            new_customer_name,
            category_id,
            severity,
            source,
            occurred_at,
            subject_ref,
            description,
        })
    }
}

/// A recovery action as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAction {
    pub kind: ActionKind,
    pub amount: Money,
    pub note: Option<String>,
}

impl NewAction {
    pub fn parse(kind: &str, amount: &str, currency: &str, note: &str) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let kind = ActionKind::parse(kind);
        if kind.is_none() {
            errors.push(FieldError::new("kind", "Choose what was done."));
        }
        let amount = Money::parse(amount, currency)
            .map_err(|m| errors.push(FieldError::new("amount", m)))
            .ok();
        if let (Some(k), Some(a)) = (kind, &amount) {
            if k.needs_approval_over_limit() && a.minor == 0 {
                errors.push(FieldError::new(
                    "amount",
                    format!("Enter the amount of the {}.", k.label().to_lowercase()),
                ));
            }
        }
        let note = Some(note.trim().to_string()).filter(|n| !n.is_empty());
        match (kind, amount, errors.is_empty()) {
            (Some(kind), Some(amount), true) => Ok(Self { kind, amount, note }),
            _ => Err(AppError::fields(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    const NOW: i64 = 1_795_000_000_000;

    fn parse(
        customer: &str,
        name: &str,
        cat: &str,
        sev: &str,
        src: &str,
        at: &str,
        desc: &str,
    ) -> Result<NewIncident, AppError> {
        NewIncident::parse(customer, name, cat, sev, src, at, "", desc, NOW)
    }

    #[test]
    fn a_minimal_incident_defaults_to_now_and_the_category_severity() {
        let i = parse(
            "c-1001",
            "",
            "3",
            "",
            "complaint",
            "",
            "Parcel went to the old address",
        )
        .unwrap();
        assert_eq!(
            (i.occurred_at, i.severity, i.source),
            (NOW, None, Source::Complaint)
        );
    }

    #[test]
    fn a_new_customer_name_stands_in_for_a_missing_customer() {
        assert!(parse("", "Lena Park", "3", "", "staff", "", "x").is_ok());
        assert!(parse("", "", "3", "", "staff", "", "x")
            .unwrap_err()
            .field_message("customer")
            .is_some());
    }

    #[test]
    fn every_bad_field_is_reported() {
        let err = parse("", "", "x", "huge", "rumour", "yesterday", " ").unwrap_err();
        for f in [
            "customer",
            "category_id",
            "severity",
            "source",
            "occurred_at",
            "description",
        ] {
            assert!(err.field_message(f).is_some(), "{f}");
        }
    }

    #[test]
    fn the_future_is_refused() {
        assert!(parse("c", "", "1", "", "staff", "2099-01-01T10:00", "x").is_err());
    }

    #[test]
    fn datetime_local_input_is_read_as_utc() {
        assert_eq!(
            parse_moment("2026-11-20T21:14").unwrap(),
            parse_moment("2026-11-20T21:14:00Z").unwrap()
        );
    }

    #[test]
    fn refunds_need_an_amount_but_apologies_do_not() {
        assert!(NewAction::parse("refund", "", "USD", "").is_err());
        assert!(NewAction::parse("apology", "", "", "Called and apologised").is_ok());
        assert_eq!(
            NewAction::parse("credit", "5.00", "usd", "")
                .unwrap()
                .amount
                .minor,
            500
        );
        assert!(NewAction::parse("bribe", "1", "USD", "").is_err());
    }
}
