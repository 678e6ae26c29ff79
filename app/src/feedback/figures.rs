//! The feedback figures, defined once: the dashboard and reports read them from here.
use super::{Assessment, Outcome, ScoreType};
#[cfg(feature = "ssr")]
use crate::db::Db;
#[cfg(feature = "ssr")]
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// Feedback and follow-up figures for a period.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FeedbackFigures {
    /// Answers received in the period.
    pub count: i64,
    pub nps_answers: i64,
    /// % promoters (9–10) − % detractors (0–6), rounded; None without NPS answers.
    pub nps: Option<i64>,
    pub csat_answers: i64,
    /// % of CSAT answers that are 4 or 5, rounded to one decimal.
    pub csat: Option<f64>,
    pub lukewarm: i64,
    /// Lukewarm answers ÷ all answers, in %.
    pub lukewarm_share: Option<f64>,
    /// Follow-ups closed in the period, and how many of those by their due time.
    pub follow_ups_closed: i64,
    pub closed_within_sla: i64,
    /// Open follow-ups past due at the end of the period (or now, if sooner).
    pub overdue: i64,
    /// Lukewarm follow-ups closed in the period, and those where a problem was found.
    pub lukewarm_closed: i64,
    pub problems_found: i64,
    /// problems_found ÷ lukewarm_closed, in %: how often "good" hid a problem.
    pub good_hid_problem_rate: Option<f64>,
}

/// A closed follow-up as the figures need it.
pub struct ClosedFollowUp {
    pub assessment: Assessment,
    pub closed_at: i64,
    pub due_at: i64,
    pub outcome: Option<Outcome>,
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// Computes the figures from raw rows; kept pure so the definitions are tested on fixtures.
pub fn summarize(
    answers: &[(ScoreType, i64, Assessment)],
    closed: &[ClosedFollowUp],
    overdue: i64,
) -> FeedbackFigures {
    let nps: Vec<i64> = answers
        .iter()
        .filter(|a| a.0 == ScoreType::Nps)
        .map(|a| a.1)
        .collect();
    let promoters = nps.iter().filter(|s| **s >= 9).count() as i64;
    let detractors = nps.iter().filter(|s| **s <= 6).count() as i64;
    let csat: Vec<i64> = answers
        .iter()
        .filter(|a| a.0 == ScoreType::Csat)
        .map(|a| a.1)
        .collect();
    let satisfied = csat.iter().filter(|s| **s >= 4).count() as i64;
    let lukewarm = answers
        .iter()
        .filter(|a| a.2 == Assessment::Lukewarm)
        .count() as i64;
    let lukewarm_closed: Vec<&ClosedFollowUp> = closed
        .iter()
        .filter(|c| c.assessment == Assessment::Lukewarm)
        .collect();
    let problems_found = lukewarm_closed
        .iter()
        .filter(|c| c.outcome == Some(Outcome::ProblemFound))
        .count() as i64;
    let n = nps.len() as i64;
    FeedbackFigures {
        count: answers.len() as i64,
        nps_answers: n,
        nps: (n > 0).then(|| ((promoters - detractors) as f64 * 100.0 / n as f64).round() as i64),
        csat_answers: csat.len() as i64,
        csat: percent(satisfied, csat.len() as i64),
        lukewarm,
        lukewarm_share: percent(lukewarm, answers.len() as i64),
        follow_ups_closed: closed.len() as i64,
        closed_within_sla: closed.iter().filter(|c| c.closed_at <= c.due_at).count() as i64,
        overdue,
        lukewarm_closed: lukewarm_closed.len() as i64,
        problems_found,
        good_hid_problem_rate: percent(problems_found, lukewarm_closed.len() as i64),
    }
}

/// The figures for answers received and follow-ups closed in [from, to), for a scope: a team's
/// or an associate's answers are those about incidents they were assigned or followed up by
/// them; follow-ups are theirs by assignment.
#[cfg(feature = "ssr")]
pub async fn for_range(
    db: &Db,
    from: i64,
    to: i64,
    now: i64,
    scope: crate::org::scope::StaffScope,
) -> Result<FeedbackFigures, AppError> {
    use crate::org::scope::StaffScope;
    let (team, associate) = scope.binds();
    let answers: Vec<(String, i64, String)> = sqlx::query_as(&format!(
        "SELECT score_type, score, assessment FROM feedback f WHERE received_at >= $1 AND received_at < $2
           AND (($3 = 0 AND $4 = 0)
                OR EXISTS (SELECT 1 FROM incidents i WHERE i.id = f.incident_id AND {})
                OR EXISTS (SELECT 1 FROM follow_ups u WHERE u.feedback_id = f.id AND {}))",
        StaffScope::clause("i.assignee_id", 3, 4),
        StaffScope::clause("u.assignee_id", 3, 4)
    ))
    .bind(from)
    .bind(to)
    .bind(team)
    .bind(associate)
    .fetch_all(db)
    .await?;
    let answers: Vec<(ScoreType, i64, Assessment)> = answers
        .into_iter()
        .filter_map(|(t, s, a)| Some((ScoreType::parse(&t)?, s, Assessment::parse(&a)?)))
        .collect();
    let closed: Vec<(String, i64, i64, Option<String>)> = sqlx::query_as(&format!(
        "SELECT assessment, closed_at, due_at, outcome FROM follow_ups
         WHERE status = 'closed' AND closed_at >= $1 AND closed_at < $2 AND {}",
        StaffScope::clause("assignee_id", 3, 4)
    ))
    .bind(from)
    .bind(to)
    .bind(team)
    .bind(associate)
    .fetch_all(db)
    .await?;
    let closed: Vec<ClosedFollowUp> = closed
        .into_iter()
        .map(|(a, closed_at, due_at, o)| ClosedFollowUp {
            assessment: Assessment::parse(&a).unwrap_or(Assessment::Lukewarm),
            closed_at,
            due_at,
            outcome: o.as_deref().and_then(Outcome::parse),
        })
        .collect();
    // Overdue at the end of the period: opened before it, due before it, not closed by then.
    let at = to.min(now);
    let overdue: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM follow_ups WHERE opened_at < $1 AND due_at <= $1
           AND (closed_at IS NULL OR closed_at > $1) AND {}",
        StaffScope::clause("assignee_id", 2, 3)
    ))
    .bind(at)
    .bind(team)
    .bind(associate)
    .fetch_one(db)
    .await?;
    Ok(summarize(&answers, &closed, overdue))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Assessment::*;

    #[test]
    fn nps_csat_and_shares_on_a_hand_computed_fixture() {
        // NPS: 10, 9, 8, 6, 3 → 2 promoters, 2 detractors of 5 → 0.
        // CSAT: 5, 4, 3, 2 → 2 of 4 satisfied → 50%.
        let answers = [
            (ScoreType::Nps, 10, Fine),
            (ScoreType::Nps, 9, Fine),
            (ScoreType::Nps, 8, Lukewarm),
            (ScoreType::Nps, 6, Unhappy),
            (ScoreType::Nps, 3, Unhappy),
            (ScoreType::Csat, 5, Fine),
            (ScoreType::Csat, 4, Lukewarm),
            (ScoreType::Csat, 3, Lukewarm),
            (ScoreType::Csat, 2, Unhappy),
            (ScoreType::Ces, 6, Fine),
        ];
        let closed = [
            ClosedFollowUp {
                assessment: Lukewarm,
                closed_at: 10,
                due_at: 20,
                outcome: Some(Outcome::ProblemFound),
            },
            ClosedFollowUp {
                assessment: Lukewarm,
                closed_at: 30,
                due_at: 20,
                outcome: Some(Outcome::GenuinelyFine),
            },
            ClosedFollowUp {
                assessment: Lukewarm,
                closed_at: 5,
                due_at: 20,
                outcome: Some(Outcome::Unreachable),
            },
            ClosedFollowUp {
                assessment: Unhappy,
                closed_at: 5,
                due_at: 20,
                outcome: Some(Outcome::ProblemFound),
            },
        ];
        let f = summarize(&answers, &closed, 2);
        assert_eq!(f.count, 10);
        assert_eq!((f.nps_answers, f.nps), (5, Some(0)));
        assert_eq!((f.csat_answers, f.csat), (4, Some(50.0)));
        assert_eq!((f.lukewarm, f.lukewarm_share), (3, Some(30.0)));
        assert_eq!(
            (f.follow_ups_closed, f.closed_within_sla, f.overdue),
            (4, 3, 2)
        );
        // 1 problem in 3 lukewarm closed → 33.3%; the unhappy one does not count.
        assert_eq!(
            (f.lukewarm_closed, f.problems_found, f.good_hid_problem_rate),
            (3, 1, Some(33.3))
        );
    }

    #[test]
    fn no_answers_means_no_rates_rather_than_zero() {
        let f = summarize(&[], &[], 0);
        assert_eq!(
            (f.nps, f.csat, f.lukewarm_share, f.good_hid_problem_rate),
            (None, None, None, None)
        );
    }

    #[test]
    fn nps_rounds_to_whole_points() {
        // 2 promoters, 1 detractor of 3 → 33.3 → 33; all detractors → −100.
        let a = [
            (ScoreType::Nps, 9, Fine),
            (ScoreType::Nps, 10, Fine),
            (ScoreType::Nps, 0, Unhappy),
        ];
        assert_eq!(summarize(&a, &[], 0).nps, Some(33));
        let b = [(ScoreType::Nps, 0, Unhappy), (ScoreType::Nps, 6, Unhappy)];
        assert_eq!(summarize(&b, &[], 0).nps, Some(-100));
    }
}
