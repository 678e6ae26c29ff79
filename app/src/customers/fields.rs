//! Parsing what staff type into a customer record. Every rule reports a message for its field.
use crate::accounts::Email;
use crate::error::{AppError, FieldError};
use serde::{Deserialize, Serialize};

/// A validated customer as it will be stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerFields {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub external_ref: Option<String>,
    pub segment: String,
}

pub const DEFAULT_SEGMENT: &str = "retail";

impl CustomerFields {
    pub fn parse(
        name: &str,
        email: &str,
        phone: &str,
        external_ref: &str,
        segment: &str,
    ) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            errors.push(FieldError::new("name", "Enter the customer's name."));
        } else if name.chars().count() > 200 {
            errors.push(FieldError::new(
                "name",
                "Keep the name under 200 characters.",
            ));
        }
        let email = match email.trim() {
            "" => None,
            raw => match Email::parse(raw) {
                Ok(e) => Some(e.as_str().to_string()),
                Err(msg) => {
                    errors.push(FieldError::new("email", msg));
                    None
                }
            },
        };
        let phone = match parse_phone(phone) {
            Ok(p) => p,
            Err(msg) => {
                errors.push(FieldError::new("phone", msg));
                None
            }
        };
        let external_ref = match parse_external_ref(external_ref) {
            Ok(r) => r,
            Err(msg) => {
                errors.push(FieldError::new("external_ref", msg));
                None
            }
        };
        let segment = match parse_segment(segment) {
            Ok(s) => s,
            Err(msg) => {
                errors.push(FieldError::new("segment", msg));
                String::new()
            }
        };
        if !errors.is_empty() {
            return Err(AppError::fields(errors));
        }
        Ok(Self {
            name,
            email,
            phone,
            external_ref,
            segment,
        })
    }
}

fn parse_phone(raw: &str) -> Result<Option<String>, String> {
    let phone = raw.trim();
    if phone.is_empty() {
        return Ok(None);
    }
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !allowed || !(6..=20).contains(&digits) || phone[1..].contains('+') {
        return Err("Enter a phone number of 6 to 20 digits, like +1 555 010 2030.".into());
    }
    Ok(Some(phone.to_string()))
}

pub fn parse_external_ref(raw: &str) -> Result<Option<String>, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.len() > 64
        || !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
    {
        return Err(
            "Use up to 64 letters, digits, '-', '_', '.' or ':' for the external reference.".into(),
        );
    }
    Ok(Some(value.to_string()))
}

fn parse_segment(raw: &str) -> Result<String, String> {
    let value = raw.trim().to_lowercase();
    if value.is_empty() {
        return Ok(DEFAULT_SEGMENT.to_string());
    }
    if value.len() > 40
        || !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == ' ')
    {
        return Err("Use up to 40 letters, digits, spaces, '-' or '_' for the segment.".into());
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(
        name: &str,
        email: &str,
        phone: &str,
        r: &str,
        seg: &str,
    ) -> Result<CustomerFields, AppError> {
        CustomerFields::parse(name, email, phone, r, seg)
    }

    #[test]
    fn a_name_alone_is_enough_and_segment_defaults_to_retail() {
        let c = parse("  Dana   Reyes ", "", "", "", "").unwrap();
        assert_eq!(c.name, "Dana Reyes");
        assert_eq!(c.segment, "retail");
        assert_eq!((c.email, c.phone, c.external_ref), (None, None, None));
    }

    #[test]
    fn a_missing_name_is_reported_on_the_name_field() {
        let err = parse(" ", "", "", "", "").unwrap_err();
        assert!(err.field_message("name").is_some());
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let err = parse("", "not-an-email", "12", "bad ref!", "vip<script>").unwrap_err();
        for field in ["name", "email", "phone", "external_ref", "segment"] {
            assert!(
                err.field_message(field).is_some(),
                "{field} should be reported"
            );
        }
    }

    #[test]
    fn email_is_normalised() {
        assert_eq!(
            parse("Dana", "Dana@Example.com", "", "", "")
                .unwrap()
                .email
                .as_deref(),
            Some("dana@example.com")
        );
    }

    #[test]
    fn phone_numbers_allow_common_punctuation() {
        assert!(parse("Dana", "", "+1 (555) 010-2030", "", "").is_ok());
        assert!(parse("Dana", "", "555 01a 2030", "", "").is_err());
        assert!(parse("Dana", "", "1+555010203", "", "").is_err());
    }

    #[test]
    fn external_refs_are_short_identifiers() {
        assert_eq!(
            parse("Dana", "", "", " c-1001 ", "")
                .unwrap()
                .external_ref
                .as_deref(),
            Some("c-1001")
        );
        assert!(parse("Dana", "", "", &"x".repeat(65), "").is_err());
    }

    #[test]
    fn segments_are_lower_cased_labels() {
        assert_eq!(
            parse("Dana", "", "", "", "Business").unwrap().segment,
            "business"
        );
    }
}
