//! The texts themes are read from, in a time range and a staff scope: feedback comments (when
//! received; they belong to whoever followed the answer up, else to whoever had its incident),
//! what customers said on closed follow-ups (when closed; the assignee's) and incident
//! descriptions (when detected; the assignee's). Each carries what the theme figures need.
use crate::db::Sql;
use crate::error::AppError;
use crate::org::scope::StaffScope;
use sqlx::{AnyConnection, Row};

/// Where a text was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    Feedback,
    FollowUp,
    Incident,
}

impl Source {
    pub const ALL: [Source; 3] = [Self::Feedback, Self::FollowUp, Self::Incident];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Feedback => "feedback",
            Self::FollowUp => "follow_up",
            Self::Incident => "incident",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One text with what the figures need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceText {
    pub source: Source,
    pub id: i64,
    pub at: i64,
    pub text: String,
    pub customer_id: i64,
    pub customer_name: String,
    /// For feedback: score type, score, assessment.
    pub answer: Option<(String, i64, String)>,
    /// The linked incident's category (the incident's own, for an incident).
    pub category: Option<(i64, String)>,
}

impl SourceText {
    /// Where the record is in the app: a feedback answer on its customer's page.
    pub fn link(&self) -> String {
        match self.source {
            Source::Feedback => format!("/customers/{}#feedback", self.customer_id),
            Source::FollowUp => format!("/follow-ups/{}", self.id),
            Source::Incident => format!("/incidents/{}", self.id),
        }
    }
}

/// The texts written in `[from, to)` within `scope`, oldest first.
pub async fn read(
    conn: &mut AnyConnection,
    (from, to): (i64, i64),
    scope: StaffScope,
) -> Result<Vec<SourceText>, AppError> {
    let mut out = Vec::new();
    for source in Source::ALL {
        let mut q = match source {
            Source::Feedback => Sql::new(
                "SELECT f.id, f.received_at AS at, f.comment AS text, f.customer_id, cu.name AS customer_name,
                        f.score_type, f.score, f.assessment, c.id AS category_id, c.name AS category
                 FROM feedback f JOIN customers cu ON cu.id = f.customer_id
                      LEFT JOIN follow_ups u ON u.feedback_id = f.id
                      LEFT JOIN incidents i ON i.id = f.incident_id
                      LEFT JOIN incident_categories c ON c.id = i.category_id
                 WHERE f.comment <> '' AND f.received_at >= ",
            ),
            Source::FollowUp => Sql::new(
                "SELECT u.id, u.closed_at AS at, u.customer_said AS text, u.customer_id, cu.name AS customer_name,
                        NULL AS score_type, NULL AS score, NULL AS assessment, c.id AS category_id, c.name AS category
                 FROM follow_ups u JOIN customers cu ON cu.id = u.customer_id
                      LEFT JOIN incidents i ON i.id = u.incident_id
                      LEFT JOIN incident_categories c ON c.id = i.category_id
                 WHERE u.status = 'closed' AND u.customer_said IS NOT NULL AND u.customer_said <> ''
                   AND u.closed_at >= ",
            ),
            Source::Incident => Sql::new(
                "SELECT i.id, i.detected_at AS at, i.description AS text, i.customer_id, cu.name AS customer_name,
                        NULL AS score_type, NULL AS score, NULL AS assessment, c.id AS category_id, c.name AS category
                 FROM incidents i JOIN customers cu ON cu.id = i.customer_id
                      JOIN incident_categories c ON c.id = i.category_id
                 WHERE i.description <> '' AND i.detected_at >= ",
            ),
        };
        let (at, owner) = match source {
            Source::Feedback => ("f.received_at", "COALESCE(u.assignee_id, i.assignee_id)"),
            Source::FollowUp => ("u.closed_at", "u.assignee_id"),
            Source::Incident => ("i.detected_at", "i.assignee_id"),
        };
        q.bind(from).push(" AND ").push(at).push(" < ").bind(to);
        scope.narrow(&mut q, owner);
        let rows = q.query().fetch_all(&mut *conn).await?;
        for r in rows {
            let score_type: Option<String> = r.try_get("score_type")?;
            let answer = match score_type {
                Some(t) => Some((t, r.try_get("score")?, r.try_get("assessment")?)),
                None => None,
            };
            let category_id: Option<i64> = r.try_get("category_id")?;
            let category = match category_id {
                Some(id) => Some((id, r.try_get("category")?)),
                None => None,
            };
            out.push(SourceText {
                source,
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                text: r.try_get("text")?,
                customer_id: r.try_get("customer_id")?,
                customer_name: r.try_get("customer_name")?,
                answer,
                category,
            });
        }
    }
    out.sort_by_key(|t| (t.at, t.source, t.id));
    Ok(out)
}
