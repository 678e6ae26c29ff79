//! A detection rule and what it decides, as pure functions: whether a signal matches, the
//! recovery it proposes, whether that applies at once, and the notice it writes.
use crate::common::money::Money;
use crate::incidents::Severity;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Comparison {
    Gt,
    Gte,
    Lt,
    Lte,
    Eq,
}

impl Comparison {
    pub const ALL: [Comparison; 5] = [Self::Gt, Self::Gte, Self::Lt, Self::Lte, Self::Eq];
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gt => "gt",
            Self::Gte => "gte",
            Self::Lt => "lt",
            Self::Lte => "lte",
            Self::Eq => "eq",
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Gt => ">",
            Self::Gte => "≥",
            Self::Lt => "<",
            Self::Lte => "≤",
            Self::Eq => "=",
        }
    }
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Self::Gt => value > threshold,
            Self::Gte => value >= threshold,
            Self::Lt => value < threshold,
            Self::Lte => value <= threshold,
            Self::Eq => (value - threshold).abs() < 1e-9,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryPlan {
    None,
    RefundPercent,
    Credit,
    Reship,
}

impl RecoveryPlan {
    pub const ALL: [RecoveryPlan; 4] =
        [Self::RefundPercent, Self::Credit, Self::Reship, Self::None];
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::RefundPercent => "refund_percent",
            Self::Credit => "credit",
            Self::Reship => "reship",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::None => "No recovery, open the incident only",
            Self::RefundPercent => "Refund a share of the amount at stake, up to a cap",
            Self::Credit => "A fixed credit",
            Self::Reship => "Reship / replace",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub id: i64,
    pub name: String,
    pub signal_kind: String,
    pub comparison: Comparison,
    pub threshold: f64,
    /// At least this many matching signals for one customer and subject…
    pub min_count: i64,
    /// …within this many minutes (0: any time).
    pub window_minutes: i64,
    pub category_id: i64,
    pub category_name: String,
    pub severity: Severity,
    pub recovery: RecoveryPlan,
    pub refund_percent: i64,
    pub cap_minor: i64,
    pub credit_minor: i64,
    pub currency: String,
    /// Recoveries at or under this amount apply at once; above it they wait for a manager.
    pub auto_apply_limit_minor: i64,
    pub notice_subject: String,
    /// Placeholders: {name}, {subject}, {amount}.
    pub notice_template: String,
    pub enabled: bool,
}

/// What a rule proposes for one incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// "refund", "credit" or "replacement"; None when the rule only opens the incident.
    pub action: Option<String>,
    pub amount: Money,
    /// Whether it applies at once (at or under the automatic limit) or waits for a manager.
    pub automatic: bool,
}

impl Rule {
    pub fn matches(&self, kind: &str, value: f64) -> bool {
        self.enabled && self.signal_kind == kind && self.comparison.holds(value, self.threshold)
    }

    /// The recovery for a signal with this amount at stake.
    pub fn propose(&self, at_stake: Option<&Money>) -> Proposal {
        let currency = at_stake
            .map(|m| m.currency.clone())
            .unwrap_or_else(|| self.currency.clone());
        let (action, minor) = match self.recovery {
            RecoveryPlan::None => (None, 0),
            RecoveryPlan::Reship => (Some("replacement"), 0),
            RecoveryPlan::Credit => (Some("credit"), self.credit_minor),
            RecoveryPlan::RefundPercent => {
                let stake = at_stake.map(|m| m.minor).unwrap_or(0);
                // Round half up to the cent, then cap.
                let share = (stake * self.refund_percent + 50) / 100;
                let capped = if self.cap_minor > 0 {
                    share.min(self.cap_minor)
                } else {
                    share
                };
                (Some("refund"), capped)
            }
        };
        let automatic = minor <= self.auto_apply_limit_minor;
        Proposal {
            action: action.map(Into::into),
            amount: Money { minor, currency },
            automatic,
        }
    }

    /// The notice with its placeholders filled in.
    pub fn notice(&self, name: &str, subject: &str, amount: &Money) -> (String, String) {
        let fill = |t: &str| {
            t.replace("{name}", name)
                .replace("{subject}", subject)
                .replace("{amount}", &amount.display())
        };
        (fill(&self.notice_subject), fill(&self.notice_template))
    }

    pub fn describe(&self) -> String {
        let mut s = format!(
            "{} {} {}",
            self.signal_kind,
            self.comparison.symbol(),
            self.threshold
        );
        if self.min_count > 1 {
            s.push_str(&format!(", {} times", self.min_count));
            if self.window_minutes > 0 {
                s.push_str(&format!(" within {} min", self.window_minutes));
            }
        }
        s
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    pub fn rebuffer_rule() -> Rule {
        Rule {
            id: 1,
            name: "Rebuffering".into(),
            signal_kind: "playback.rebuffer_ratio".into(),
            comparison: Comparison::Gt,
            threshold: 0.05,
            min_count: 1,
            window_minutes: 0,
            category_id: 1,
            category_name: "Streaming / playback".into(),
            severity: Severity::Minor,
            recovery: RecoveryPlan::RefundPercent,
            refund_percent: 100,
            cap_minor: 500,
            credit_minor: 0,
            currency: "USD".into(),
            auto_apply_limit_minor: 500,
            notice_subject: "We refunded {subject}".into(),
            notice_template: "Dear {name}, we refunded {amount} for {subject}.".into(),
            enabled: true,
        }
    }

    fn usd(minor: i64) -> Money {
        Money {
            minor,
            currency: "USD".into(),
        }
    }

    #[test]
    fn a_signal_over_the_threshold_matches_and_one_at_it_does_not() {
        let r = rebuffer_rule();
        assert!(r.matches("playback.rebuffer_ratio", 0.18));
        assert!(!r.matches("playback.rebuffer_ratio", 0.05));
        assert!(!r.matches("delivery.days_late", 9.0));
    }

    #[test]
    fn a_disabled_rule_matches_nothing() {
        let r = Rule {
            enabled: false,
            ..rebuffer_rule()
        };
        assert!(!r.matches("playback.rebuffer_ratio", 0.9));
    }

    #[test]
    fn every_comparison_holds_as_written() {
        assert!(Comparison::Gte.holds(5.0, 5.0) && !Comparison::Gt.holds(5.0, 5.0));
        assert!(Comparison::Lte.holds(5.0, 5.0) && !Comparison::Lt.holds(5.0, 5.0));
        assert!(Comparison::Eq.holds(2.0, 2.0) && !Comparison::Eq.holds(2.0, 2.1));
    }

    #[test]
    fn a_refund_is_the_share_of_the_stake_up_to_the_cap() {
        let r = rebuffer_rule();
        assert_eq!(r.propose(Some(&usd(399))).amount, usd(399));
        assert_eq!(r.propose(Some(&usd(1299))).amount, usd(500));
        let half = Rule {
            refund_percent: 50,
            ..rebuffer_rule()
        };
        assert_eq!(
            half.propose(Some(&usd(399))).amount,
            usd(200),
            "1.995 rounds to 2.00"
        );
        assert_eq!(r.propose(None).amount, usd(0));
    }

    #[test]
    fn recoveries_over_the_automatic_limit_wait_for_a_manager() {
        let r = Rule {
            cap_minor: 0,
            ..rebuffer_rule()
        };
        assert!(r.propose(Some(&usd(500))).automatic);
        assert!(!r.propose(Some(&usd(501))).automatic);
    }

    #[test]
    fn credits_and_reships_ignore_the_stake() {
        let credit = Rule {
            recovery: RecoveryPlan::Credit,
            credit_minor: 1000,
            ..rebuffer_rule()
        };
        let p = credit.propose(Some(&usd(1)));
        assert_eq!(
            (p.action.as_deref(), p.amount.minor, p.automatic),
            (Some("credit"), 1000, false)
        );
        let reship = Rule {
            recovery: RecoveryPlan::Reship,
            ..rebuffer_rule()
        };
        assert_eq!(reship.propose(None).action.as_deref(), Some("replacement"));
        assert!(reship.propose(None).automatic);
    }

    #[test]
    fn the_notice_fills_its_placeholders() {
        let (subject, body) = rebuffer_rule().notice("Mei", "rental-987", &usd(399));
        assert_eq!(subject, "We refunded rental-987");
        assert_eq!(body, "Dear Mei, we refunded 3.99 USD for rental-987.");
    }
}
