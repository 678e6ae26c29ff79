//! Who a set of figures is about: the whole organisation, one team, or one associate. Queries
//! take it as two always-bound parameters (team id, associate id; 0 = not narrowed), so one
//! statement serves every scope on both databases.
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffScope {
    #[default]
    Organisation,
    Team(i64),
    Associate(i64),
}

impl StaffScope {
    /// From the `team` and `associate` query parameters ("" = not given).
    pub fn parse(team: &str, associate: &str) -> Result<Self, String> {
        let id = |v: &str, what: &str| -> Result<Option<i64>, String> {
            match v.trim() {
                "" => Ok(None),
                v => v
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .map(Some)
                    .ok_or_else(|| format!("'{v}' is not a {what} id")),
            }
        };
        match (id(team, "team")?, id(associate, "staff")?) {
            (Some(_), Some(_)) => Err("Choose a team or an associate, not both.".into()),
            (Some(t), None) => Ok(Self::Team(t)),
            (None, Some(a)) => Ok(Self::Associate(a)),
            (None, None) => Ok(Self::Organisation),
        }
    }

    /// (team id, associate id), 0 where not narrowed, to bind for `clause`.
    pub fn binds(self) -> (i64, i64) {
        match self {
            Self::Organisation => (0, 0),
            Self::Team(t) => (t, 0),
            Self::Associate(a) => (0, a),
        }
    }

    /// A condition that `column` (a staff id) is in scope, with the team and associate ids
    /// bound as `$team` and `$associate`. Unassigned rows count for the organisation only.
    pub fn clause(column: &str, team: usize, associate: usize) -> String {
        format!(
            "(${team} = 0 OR {column} IN (SELECT id FROM staff_users WHERE team_id = ${team})) \
             AND (${associate} = 0 OR {column} = ${associate})"
        )
    }

    /// A condition that `column` is in scope that an index on it can serve, with the one id
    /// it needs bound as `$param` (0 for the organisation, where the condition is always true).
    pub fn narrow(self, column: &str, param: usize) -> (String, i64) {
        match self {
            Self::Organisation => (format!("${param} = 0"), 0),
            Self::Team(t) => (
                format!("{column} IN (SELECT id FROM staff_users WHERE team_id = ${param})"),
                t,
            ),
            Self::Associate(a) => (format!("{column} = ${param}"), a),
        }
    }

    /// The query string naming this scope, for links ("" for the organisation).
    pub fn query(self) -> String {
        match self {
            Self::Organisation => String::new(),
            Self::Team(t) => format!("team={t}"),
            Self::Associate(a) => format!("associate={a}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StaffScope;

    #[test]
    fn parses_one_scope_at_most() {
        assert_eq!(StaffScope::parse("", ""), Ok(StaffScope::Organisation));
        assert_eq!(StaffScope::parse("3", ""), Ok(StaffScope::Team(3)));
        assert_eq!(StaffScope::parse("", " 7 "), Ok(StaffScope::Associate(7)));
        assert!(StaffScope::parse("3", "7").is_err());
        assert!(StaffScope::parse("x", "").is_err());
        assert!(StaffScope::parse("-2", "").is_err());
    }
}
