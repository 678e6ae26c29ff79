//! An email address as the product accepts it: trimmed, lower-cased, one `@`, a dotted domain.
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, String> {
        let value = input.trim().to_lowercase();
        if value.is_empty() {
            return Err("Enter an email address.".into());
        }
        if value.len() > 254 {
            return Err("That email address is too long.".into());
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err("Enter an email address like name@example.com.".into());
        };
        let valid_domain = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if local.is_empty() || local.chars().any(|c| c.is_whitespace() || c == '@') || !valid_domain
        {
            return Err("Enter an email address like name@example.com.".into());
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn an_address_is_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Dana@Example.COM ").unwrap().as_str(),
            "dana@example.com"
        );
    }

    #[test]
    fn an_empty_address_is_refused() {
        assert!(Email::parse("   ").is_err());
    }

    #[test]
    fn an_address_without_at_sign_is_refused() {
        assert!(Email::parse("dana.example.com").is_err());
    }

    #[test]
    fn an_address_with_two_at_signs_is_refused() {
        assert!(Email::parse("dana@ex@ample.com").is_err());
    }

    #[test]
    fn a_domain_without_a_dot_is_refused() {
        assert!(Email::parse("dana@localhost").is_err());
    }

    #[test]
    fn a_domain_with_an_empty_label_is_refused() {
        assert!(Email::parse("dana@example..com").is_err());
        assert!(Email::parse("dana@.example.com").is_err());
    }

    #[test]
    fn whitespace_inside_is_refused() {
        assert!(Email::parse("da na@example.com").is_err());
    }

    #[test]
    fn an_overlong_address_is_refused() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }
}
