//! The password policy: at least 12 characters, at most 128, and not a common or easily guessed
//! password (checked against zxcvbn's dictionaries on the server).

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 128;

/// A password that passed the policy. Never logged, never serialized.
pub struct Password(String);

impl Password {
    /// Checks the policy. `context` holds words the password must not lean on (email, name).
    pub fn parse(input: &str, context: &[&str]) -> Result<Self, String> {
        let len = input.chars().count();
        if len < MIN_LEN {
            return Err(format!("Use at least {MIN_LEN} characters."));
        }
        if len > MAX_LEN {
            return Err(format!("Use at most {MAX_LEN} characters."));
        }
        if input.trim().is_empty() {
            return Err("A password cannot be only spaces.".into());
        }
        let lowered = input.to_lowercase();
        let leans_on_context = context
            .iter()
            .map(|w| {
                w.split('@')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_lowercase()
            })
            .any(|w| w.chars().count() >= 4 && lowered.contains(&w));
        if leans_on_context {
            return Err("Do not build the password on your name or email address.".into());
        }
        #[cfg(feature = "ssr")]
        {
            let estimate = zxcvbn::zxcvbn(input, context);
            if (estimate.score() as u8) < 3 {
                return Err("That password is too common or easy to guess. \
                            Try a few unrelated words together."
                    .into());
            }
        }
        Ok(Self(input.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::Password;

    #[test]
    fn a_short_password_is_refused() {
        assert!(Password::parse("short-pass", &[]).is_err());
    }

    #[test]
    fn an_overlong_password_is_refused() {
        assert!(Password::parse(&"x7!kQ".repeat(30), &[]).is_err());
    }

    #[test]
    fn very_common_passwords_are_refused_even_when_long_enough() {
        for common in [
            "password1234",
            "123456789012",
            "qwertyuiopas",
            "iloveyou1234",
            "passwordpassword",
        ] {
            assert!(
                Password::parse(common, &[]).is_err(),
                "{common} should be refused"
            );
        }
    }

    #[test]
    fn a_password_built_on_the_users_email_is_refused() {
        assert!(Password::parse(
            "dana.reyes2026",
            &["dana.reyes@example.com", "Dana", "Reyes"]
        )
        .is_err());
    }

    #[test]
    fn a_long_unusual_passphrase_is_accepted() {
        assert!(Password::parse("copper kettle orbit 42 lantern", &[]).is_ok());
    }

    #[test]
    fn spaces_alone_are_refused() {
        assert!(Password::parse("              ", &[]).is_err());
    }
}
