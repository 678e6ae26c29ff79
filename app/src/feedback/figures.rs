//! The feedback figures, defined once: the dashboard and reports read them from here.
use super::{Assessment, Outcome, ScoreType};
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
    /// Customer Effort Score answers (1–7, "the company made it easy to handle my issue").
    #[serde(default)]
    pub ces_answers: i64,
    /// % of CES answers that are 5–7, rounded to one decimal; None without CES answers.
    #[serde(default)]
    pub ces: Option<f64>,
    /// The mean CES answer, rounded to one decimal; None without CES answers.
    #[serde(default)]
    pub ces_mean: Option<f64>,
    /// Follow-ups closed in the period, and how many of those by their due time.
    pub follow_ups_closed: i64,
    pub closed_within_sla: i64,
    /// Open follow-ups past due at the end of the period (or now, if sooner).
    pub overdue: i64,
    /// Lukewarm follow-ups closed in the period, and those where a problem was found.
    pub lukewarm_closed: i64,
    pub problems_found: i64,
    /// Lukewarm follow-ups closed in the period without reaching the customer.
    #[serde(default)]
    pub unreachable: i64,
    /// problems_found ÷ the lukewarm follow-ups that reached the customer (closed, not
    /// unreachable), in %: how often "good" hid a problem.
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

/// The counts the figures are made of: they add up across people and weeks, the rates do not.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub answers: i64,
    pub nps_answers: i64,
    pub promoters: i64,
    pub detractors: i64,
    pub csat_answers: i64,
    pub satisfied: i64,
    pub lukewarm: i64,
    pub follow_ups_closed: i64,
    pub closed_within_sla: i64,
    pub overdue: i64,
    pub lukewarm_closed: i64,
    pub problems_found: i64,
    pub unreachable: i64,
    pub ces_answers: i64,
    /// CES answers of 5, 6 or 7.
    pub ces_easy: i64,
    pub ces_score_sum: i64,
}

impl Counts {
    /// Names and values, for storing and reading the weekly aggregates.
    pub fn entries(&self) -> [(&'static str, i64); 16] {
        [
            ("answers", self.answers),
            ("nps_answers", self.nps_answers),
            ("promoters", self.promoters),
            ("detractors", self.detractors),
            ("csat_answers", self.csat_answers),
            ("satisfied", self.satisfied),
            ("lukewarm", self.lukewarm),
            ("follow_ups_closed", self.follow_ups_closed),
            ("closed_within_sla", self.closed_within_sla),
            ("overdue", self.overdue),
            ("lukewarm_closed", self.lukewarm_closed),
            ("problems_found", self.problems_found),
            ("unreachable", self.unreachable),
            ("ces_answers", self.ces_answers),
            ("ces_easy", self.ces_easy),
            ("ces_score_sum", self.ces_score_sum),
        ]
    }

    pub fn from_entries(get: impl Fn(&str) -> i64) -> Self {
        Self {
            answers: get("answers"),
            nps_answers: get("nps_answers"),
            promoters: get("promoters"),
            detractors: get("detractors"),
            csat_answers: get("csat_answers"),
            satisfied: get("satisfied"),
            lukewarm: get("lukewarm"),
            follow_ups_closed: get("follow_ups_closed"),
            closed_within_sla: get("closed_within_sla"),
            overdue: get("overdue"),
            lukewarm_closed: get("lukewarm_closed"),
            problems_found: get("problems_found"),
            unreachable: get("unreachable"),
            ces_answers: get("ces_answers"),
            ces_easy: get("ces_easy"),
            ces_score_sum: get("ces_score_sum"),
        }
    }

    pub fn plus(&self, other: &Counts) -> Counts {
        let (a, b) = (self.entries(), other.entries());
        Counts::from_entries(|k| a.iter().chain(&b).filter(|e| e.0 == k).map(|e| e.1).sum())
    }

    pub fn add_answer(&mut self, (kind, score, assessment): (ScoreType, i64, Assessment)) {
        self.answers += 1;
        match kind {
            ScoreType::Nps => {
                self.nps_answers += 1;
                self.promoters += (score >= 9) as i64;
                self.detractors += (score <= 6) as i64;
            }
            ScoreType::Csat => {
                self.csat_answers += 1;
                self.satisfied += (score >= 4) as i64;
            }
            ScoreType::Ces => {
                self.ces_answers += 1;
                self.ces_easy += (score >= 5) as i64;
                self.ces_score_sum += score;
            }
        }
        self.lukewarm += (assessment == Assessment::Lukewarm) as i64;
    }

    fn add_closed(&mut self, c: &ClosedFollowUp) {
        self.follow_ups_closed += 1;
        self.closed_within_sla += (c.closed_at <= c.due_at) as i64;
        if c.assessment == Assessment::Lukewarm {
            self.lukewarm_closed += 1;
            self.problems_found += (c.outcome == Some(Outcome::ProblemFound)) as i64;
            self.unreachable += (c.outcome == Some(Outcome::Unreachable)) as i64;
        }
    }
}

impl FeedbackFigures {
    pub fn from_counts(c: &Counts) -> Self {
        let n = c.nps_answers;
        FeedbackFigures {
            count: c.answers,
            nps_answers: n,
            nps: (n > 0)
                .then(|| ((c.promoters - c.detractors) as f64 * 100.0 / n as f64).round() as i64),
            csat_answers: c.csat_answers,
            csat: percent(c.satisfied, c.csat_answers),
            lukewarm: c.lukewarm,
            lukewarm_share: percent(c.lukewarm, c.answers),
            ces_answers: c.ces_answers,
            ces: percent(c.ces_easy, c.ces_answers),
            ces_mean: (c.ces_answers > 0)
                .then(|| (c.ces_score_sum as f64 * 10.0 / c.ces_answers as f64).round() / 10.0),
            follow_ups_closed: c.follow_ups_closed,
            closed_within_sla: c.closed_within_sla,
            overdue: c.overdue,
            lukewarm_closed: c.lukewarm_closed,
            problems_found: c.problems_found,
            unreachable: c.unreachable,
            good_hid_problem_rate: percent(c.problems_found, c.lukewarm_closed - c.unreachable),
        }
    }
}

/// Computes the figures from raw rows; kept pure so the definitions are tested on fixtures.
pub fn summarize(
    answers: &[(ScoreType, i64, Assessment)],
    closed: &[ClosedFollowUp],
    overdue: i64,
) -> FeedbackFigures {
    let mut c = Counts {
        overdue,
        ..Default::default()
    };
    answers.iter().for_each(|a| c.add_answer(*a));
    closed.iter().for_each(|f| c.add_closed(f));
    FeedbackFigures::from_counts(&c)
}

/// The counts for answers received and follow-ups closed in [from, to), and follow-ups overdue
/// at `overdue_at`, per owner: an answer belongs to whoever followed it up, else to whoever
/// had its incident (0 when nobody); a follow-up to its assignee.
#[cfg(feature = "ssr")]
pub async fn by_owner(
    conn: &mut sqlx::AnyConnection,
    from: i64,
    to: i64,
    overdue_at: i64,
) -> Result<std::collections::BTreeMap<i64, Counts>, AppError> {
    let mut out: std::collections::BTreeMap<i64, Counts> = Default::default();
    let answers: Vec<(i64, i64, String, i64, String)> = sqlx::query_as(
        "SELECT f.id, COALESCE(u.assignee_id, i.assignee_id, 0), f.score_type, f.score, f.assessment
         FROM feedback f LEFT JOIN follow_ups u ON u.feedback_id = f.id
              LEFT JOIN incidents i ON i.id = f.incident_id
         WHERE f.received_at >= $1 AND f.received_at < $2",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    for (id, owner, t, s, a) in answers {
        let answer = (
            ScoreType::decode(&t, "feedback", id)?,
            s,
            Assessment::decode(&a, "feedback", id)?,
        );
        out.entry(owner).or_default().add_answer(answer);
    }
    let closed: Vec<(i64, i64, String, i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT id, COALESCE(assignee_id, 0), assessment, closed_at, due_at, outcome FROM follow_ups
         WHERE status = 'closed' AND closed_at >= $1 AND closed_at < $2",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    for (id, owner, a, closed_at, due_at, o) in closed {
        out.entry(owner).or_default().add_closed(&ClosedFollowUp {
            assessment: Assessment::decode(&a, "follow_ups", id)?,
            closed_at,
            due_at,
            outcome: Outcome::decode_optional(o.as_deref(), "follow_ups", id)?,
        });
    }
    for (owner, n) in overdue_by_owner(conn, overdue_at).await? {
        out.entry(owner).or_default().overdue = n;
    }
    Ok(out)
}

/// Follow-ups overdue at `at` per assignee: opened before it, due by then, not closed by then.
/// Read as the open ones plus those closed later, each through its own index.
#[cfg(feature = "ssr")]
pub async fn overdue_by_owner(
    conn: &mut sqlx::AnyConnection,
    at: i64,
) -> Result<Vec<(i64, i64)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT owner, CAST(COUNT(*) AS BIGINT) FROM (
            SELECT COALESCE(assignee_id, 0) AS owner FROM follow_ups
             WHERE closed_at IS NULL AND opened_at < $1 AND due_at <= $1
            UNION ALL
            SELECT COALESCE(assignee_id, 0) FROM follow_ups
             WHERE closed_at > $1 AND opened_at < $1 AND due_at <= $1) x GROUP BY owner",
    )
    .bind(at)
    .fetch_all(conn)
    .await?)
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
            (ScoreType::Ces, 7, Fine),
            (ScoreType::Ces, 4, Lukewarm),
            (ScoreType::Ces, 1, Unhappy),
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
        assert_eq!(f.count, 13);
        assert_eq!((f.nps_answers, f.nps), (5, Some(0)));
        assert_eq!((f.csat_answers, f.csat), (4, Some(50.0)));
        assert_eq!((f.lukewarm, f.lukewarm_share), (4, Some(30.8)));
        // CES: 6, 7, 4, 1 → 2 of 4 answered 5–7 → 50%; mean 18 / 4 = 4.5.
        assert_eq!(
            (f.ces_answers, f.ces, f.ces_mean),
            (4, Some(50.0), Some(4.5))
        );
        assert_eq!(
            (f.follow_ups_closed, f.closed_within_sla, f.overdue),
            (4, 3, 2)
        );
        // 1 problem in the 2 lukewarm follow-ups that reached the customer → 50%: the
        // unreachable one is reported apart, and the unhappy one does not count.
        assert_eq!(
            (f.lukewarm_closed, f.problems_found, f.unreachable),
            (3, 1, 1)
        );
        assert_eq!(f.good_hid_problem_rate, Some(50.0));
    }

    #[test]
    fn no_answers_means_no_rates_rather_than_zero() {
        let f = summarize(&[], &[], 0);
        assert_eq!(
            (f.nps, f.csat, f.lukewarm_share, f.good_hid_problem_rate),
            (None, None, None, None)
        );
        assert_eq!((f.ces, f.ces_mean), (None, None));
        // Every lukewarm follow-up closed unreachable: nobody was reached, so no rate.
        let gone = [ClosedFollowUp {
            assessment: Lukewarm,
            closed_at: 1,
            due_at: 2,
            outcome: Some(Outcome::Unreachable),
        }];
        assert_eq!(summarize(&[], &gone, 0).good_hid_problem_rate, None);
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
