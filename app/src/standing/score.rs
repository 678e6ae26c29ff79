//! The loyalty score (0–100) and segment: a documented formula of what the customer did and
//! said, computed from facts gathered elsewhere. README → "Loyalty score" explains the reasoning.
use super::Segment;
use serde::{Deserialize, Serialize};

/// Everything the score reads about one customer, as of a moment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    /// Days since the last order; None when they never ordered.
    pub days_since_order: Option<i64>,
    pub orders_12m: i64,
    /// The latest answer: (question, score, assessed lukewarm or unhappy), within 180 days.
    pub latest_answer: Option<(String, i64, bool)>,
    pub converted_referrals: i64,
    pub positive_posts: i64,
    pub open_unhappy_follow_ups: i64,
    pub unresolved_incidents: i64,
    /// Days since the customer was created.
    pub tenure_days: i64,
}

/// A score with the parts that made it, for the profile to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scored {
    pub score: i64,
    pub segment: Segment,
    pub parts: Vec<(String, i64)>,
}

fn recency(days: Option<i64>) -> i64 {
    match days {
        Some(d) if d <= 30 => 20,
        Some(d) if d <= 90 => 15,
        Some(d) if d <= 180 => 8,
        Some(d) if d <= 365 => 3,
        _ => 0,
    }
}

fn sentiment(answer: &Option<(String, i64, bool)>) -> i64 {
    let Some((question, score, lukewarm)) = answer else {
        return 15;
    };
    let points = match (question.as_str(), *score) {
        ("nps", s) if s >= 9 => 30,
        ("nps", s) if s >= 7 => 18,
        ("nps", _) => 0,
        ("csat", 5) => 30,
        ("csat", 4) => 20,
        ("csat", 3) => 10,
        ("csat", _) => 0,
        ("ces", s) if s >= 6 => 25,
        ("ces", s) if s >= 4 => 15,
        _ => 0,
    };
    // A "Good" that the detector doubts is not counted as delight.
    if *lukewarm {
        points.min(15)
    } else {
        points
    }
}

fn is_detractor(answer: &Option<(String, i64, bool)>) -> bool {
    matches!(answer, Some((q, s, _)) if (q == "nps" && *s <= 6) || (q == "csat" && *s <= 2) || (q == "ces" && *s <= 2))
}

fn is_promoter(answer: &Option<(String, i64, bool)>) -> bool {
    matches!(answer, Some((q, s, false)) if (q == "nps" && *s >= 9) || (q == "csat" && *s == 5))
}

pub fn score(i: &Inputs) -> Scored {
    let parts = vec![
        ("recent order".to_string(), recency(i.days_since_order)),
        ("orders in 12 months".to_string(), i.orders_12m.min(5) * 4),
        (
            "came back (2+ orders in 12 months)".to_string(),
            if i.orders_12m >= 2 { 10 } else { 0 },
        ),
        ("latest answer".to_string(), sentiment(&i.latest_answer)),
        (
            "referrals and positive posts".to_string(),
            (i.converted_referrals * 8 + i.positive_posts * 4).min(20),
        ),
        (
            "open unhappy follow-ups".to_string(),
            -10 * i.open_unhappy_follow_ups.min(2),
        ),
        (
            "unresolved incidents".to_string(),
            -10 * i.unresolved_incidents.min(2),
        ),
    ];
    let score = parts.iter().map(|(_, p)| p).sum::<i64>().clamp(0, 100);
    let advocacy = i.converted_referrals > 0 || i.positive_posts > 0;
    let segment = match i.days_since_order {
        Some(d) if d > 365 => Segment::Churned,
        None if i.tenure_days > 365 => Segment::Churned,
        _ if is_detractor(&i.latest_answer) => Segment::Detractor,
        _ if score >= 75 && (advocacy || is_promoter(&i.latest_answer)) => Segment::Advocate,
        _ if score >= 60 => Segment::Loyal,
        _ => Segment::Passive,
    };
    Scored {
        score,
        segment,
        parts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(q: &str, s: i64, doubted: bool) -> Option<(String, i64, bool)> {
        Some((q.to_string(), s, doubted))
    }

    #[test]
    fn a_regular_promoter_who_refers_is_an_advocate() {
        // 20 (ordered 10 days ago) + 16 (4 orders) + 10 (came back) + 30 (NPS 10) + 20 (3
        // referrals: 24, capped) = 96.
        let s = score(&Inputs {
            days_since_order: Some(10),
            orders_12m: 4,
            latest_answer: answer("nps", 10, false),
            converted_referrals: 3,
            tenure_days: 400,
            ..Default::default()
        });
        assert_eq!(s.score, 96);
        assert_eq!(s.segment, Segment::Advocate);
    }

    #[test]
    fn a_polite_good_is_capped_and_does_not_make_an_advocate() {
        // 15 + 8 + 10 + min(20, 15) + 0 = 48: passive, at risk.
        let s = score(&Inputs {
            days_since_order: Some(60),
            orders_12m: 2,
            latest_answer: answer("csat", 4, true),
            tenure_days: 200,
            ..Default::default()
        });
        assert_eq!(s.score, 48);
        assert_eq!(s.segment, Segment::Passive);
    }

    #[test]
    fn a_recent_detractor_is_a_detractor_whatever_they_spend() {
        // 20 + 20 + 10 + 0 − 10 (open unhappy follow-up) = 40.
        let s = score(&Inputs {
            days_since_order: Some(3),
            orders_12m: 6,
            latest_answer: answer("nps", 4, true),
            open_unhappy_follow_ups: 1,
            tenure_days: 900,
            ..Default::default()
        });
        assert_eq!(s.score, 40);
        assert_eq!(s.segment, Segment::Detractor);
    }

    #[test]
    fn a_year_without_orders_is_churned_and_no_answer_is_neutral() {
        // 0 + 0 + 0 + 15 (no answer) + 0 − 10 (unresolved incident) = 5.
        let s = score(&Inputs {
            days_since_order: Some(400),
            orders_12m: 0,
            unresolved_incidents: 1,
            tenure_days: 800,
            ..Default::default()
        });
        assert_eq!(s.score, 5);
        assert_eq!(s.segment, Segment::Churned);
        let never = score(&Inputs {
            tenure_days: 30,
            ..Default::default()
        });
        assert_eq!((never.score, never.segment), (15, Segment::Passive));
    }

    #[test]
    fn a_loyal_customer_without_advocacy_stays_loyal() {
        // 20 + 12 + 10 + 20 (CSAT 4) = 62.
        let s = score(&Inputs {
            days_since_order: Some(20),
            orders_12m: 3,
            latest_answer: answer("csat", 4, false),
            tenure_days: 500,
            ..Default::default()
        });
        assert_eq!((s.score, s.segment), (62, Segment::Loyal));
    }
}
