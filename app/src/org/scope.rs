//! Who a set of figures is about: the whole organisation, one team, or one associate. A statement
//! built with [`crate::db::Sql`] takes the condition for its scope ([`StaffScope::narrow`]); a
//! fixed statement takes it as two always-bound parameters (team id, associate id; 0 = not
//! narrowed, [`StaffScope::clause`]), so one text serves every scope on both databases.
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

    /// Adds ` AND ` a condition that `column` (a staff id) is in scope to a statement whose
    /// text already holds its `WHERE`: none for the organisation, else one an index on the column
    /// can serve. Unassigned rows count for the organisation only.
    #[cfg(feature = "ssr")]
    pub fn narrow(self, q: &mut crate::db::Sql, column: &'static str) {
        match self {
            Self::Organisation => {}
            Self::Team(t) => {
                q.push(" AND ")
                    .push(column)
                    .push(" IN (SELECT id FROM staff_users WHERE team_id = ")
                    .bind(t)
                    .push(")");
            }
            Self::Associate(a) => {
                q.push(" AND ").push(column).push(" = ").bind(a);
            }
        }
    }

    /// Adds one more condition (`and`) that `column` (a staff id, or an expression giving one)
    /// is `assignee`, and one that it is a current member of `team`, for each given.
    #[cfg(feature = "ssr")]
    pub fn owned_by(
        q: &mut crate::db::Sql,
        column: &'static str,
        assignee: Option<i64>,
        team: Option<i64>,
    ) {
        if let Some(id) = assignee {
            q.and().push(column).push(" = ").bind(id);
        }
        if let Some(t) = team {
            q.and()
                .push(column)
                .push(" IN (SELECT id FROM staff_users WHERE team_id = ")
                .bind(t)
                .push(")");
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

    #[cfg(feature = "ssr")]
    #[test]
    fn narrowing_binds_the_one_id_a_scope_needs() {
        let text = |scope: StaffScope| {
            let mut q = crate::db::Sql::new("SELECT 1 FROM t WHERE a = 1");
            scope.narrow(&mut q, "t.staff_id");
            q.text().to_string()
        };
        assert_eq!(
            text(StaffScope::Organisation),
            "SELECT 1 FROM t WHERE a = 1"
        );
        assert_eq!(
            text(StaffScope::Team(3)),
            "SELECT 1 FROM t WHERE a = 1 AND t.staff_id IN (SELECT id FROM staff_users WHERE team_id = $1)"
        );
        assert_eq!(
            text(StaffScope::Associate(7)),
            "SELECT 1 FROM t WHERE a = 1 AND t.staff_id = $1"
        );
    }

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
