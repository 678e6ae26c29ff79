//! Staff roles. Customers are a separate kind of account and never hold a staff role.
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Associate,
    Manager,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Associate, Role::Manager, Role::Admin];

    pub fn parse(input: &str) -> Result<Self, String> {
        match input.trim().to_lowercase().as_str() {
            "associate" => Ok(Self::Associate),
            "manager" => Ok(Self::Manager),
            "admin" => Ok(Self::Admin),
            other => Err(format!(
                "Unknown role '{other}': choose associate, manager or admin."
            )),
        }
    }

    /// The role stored in row `id` of `table`; one that does not parse is an error.
    #[cfg(feature = "ssr")]
    pub fn decode(value: &str, table: &str, id: i64) -> Result<Self, crate::error::AppError> {
        crate::common::labels::stored(Self::parse(value).ok(), "role", value, table, id)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Associate => "associate",
            Self::Manager => "manager",
            Self::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Associate => "Associate",
            Self::Manager => "Manager",
            Self::Admin => "Admin",
        }
    }

    /// Whether this role includes everything `other` may do (admin ⊇ manager ⊇ associate).
    pub fn at_least(self, other: Role) -> bool {
        self >= other
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn each_role_parses_from_its_name_in_any_case() {
        assert_eq!(Role::parse("Associate").unwrap(), Role::Associate);
        assert_eq!(Role::parse(" MANAGER ").unwrap(), Role::Manager);
        assert_eq!(Role::parse("admin").unwrap(), Role::Admin);
    }

    #[test]
    fn customer_is_not_a_staff_role() {
        assert!(Role::parse("customer").is_err());
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()).unwrap(), role);
        }
    }

    #[test]
    fn admin_includes_manager_and_manager_includes_associate() {
        assert!(Role::Admin.at_least(Role::Manager));
        assert!(Role::Manager.at_least(Role::Associate));
        assert!(!Role::Associate.at_least(Role::Manager));
        assert!(!Role::Manager.at_least(Role::Admin));
    }
}
