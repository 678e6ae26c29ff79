//! Service levels per severity: how soon an incident must be acknowledged and resolved, and
//! where an incident stands against them. "Due soon" means within the last quarter of the time
//! allowed.
use super::Severity;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceLevels {
    /// Hours to acknowledge and to resolve: (minor, major, critical).
    pub acknowledge_hours: [i64; 3],
    pub resolve_hours: [i64; 3],
}

impl Default for ServiceLevels {
    fn default() -> Self {
        Self {
            acknowledge_hours: [24, 4, 1],
            resolve_hours: [120, 48, 8],
        }
    }
}

fn index(s: Severity) -> usize {
    match s {
        Severity::Minor => 0,
        Severity::Major => 1,
        Severity::Critical => 2,
    }
}

impl ServiceLevels {
    pub fn acknowledge_ms(&self, s: Severity) -> i64 {
        self.acknowledge_hours[index(s)] * 3_600_000
    }
    pub fn resolve_ms(&self, s: Severity) -> i64 {
        self.resolve_hours[index(s)] * 3_600_000
    }

    /// Where an incident detected at `detected` stands at `now`.
    pub fn state(
        &self,
        s: Severity,
        detected: i64,
        acknowledged: Option<i64>,
        resolved: Option<i64>,
        now: i64,
    ) -> SlaState {
        if resolved.is_some() {
            return SlaState::Met;
        }
        let (due, allowed) = match acknowledged {
            None => (detected + self.acknowledge_ms(s), self.acknowledge_ms(s)),
            Some(_) => (detected + self.resolve_ms(s), self.resolve_ms(s)),
        };
        if now > due {
            SlaState::Overdue { due }
        } else if due - now <= allowed / 4 {
            SlaState::DueSoon { due }
        } else {
            SlaState::OnTrack { due }
        }
    }
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlaState {
    OnTrack { due: i64 },
    DueSoon { due: i64 },
    Overdue { due: i64 },
    Met,
}

impl SlaState {
    pub fn label(self) -> &'static str {
        match self {
            Self::OnTrack { .. } => "On track",
            Self::DueSoon { .. } => "Due soon",
            Self::Overdue { .. } => "Overdue",
            Self::Met => "Closed",
        }
    }
    pub fn class(self) -> &'static str {
        match self {
            Self::OnTrack { .. } => "sla sla-ok",
            Self::DueSoon { .. } => "sla sla-soon",
            Self::Overdue { .. } => "sla sla-overdue",
            Self::Met => "sla sla-met",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    const H: i64 = 3_600_000;

    #[test]
    fn an_unacknowledged_critical_incident_is_overdue_after_an_hour() {
        let sl = ServiceLevels::default();
        assert_eq!(
            sl.state(Severity::Critical, 0, None, None, H + 1),
            SlaState::Overdue { due: H }
        );
        assert_eq!(
            sl.state(Severity::Critical, 0, None, None, H / 2),
            SlaState::OnTrack { due: H }
        );
    }

    #[test]
    fn the_last_quarter_of_the_allowance_is_due_soon() {
        let sl = ServiceLevels::default();
        assert!(matches!(
            sl.state(Severity::Major, 0, None, None, 3 * H + 1),
            SlaState::DueSoon { .. }
        ));
    }

    #[test]
    fn acknowledged_incidents_are_measured_against_the_resolve_time() {
        let sl = ServiceLevels::default();
        assert_eq!(
            sl.state(Severity::Minor, 0, Some(H), None, 50 * H),
            SlaState::OnTrack { due: 120 * H }
        );
        assert_eq!(
            sl.state(Severity::Minor, 0, Some(H), None, 121 * H),
            SlaState::Overdue { due: 120 * H }
        );
    }

    #[test]
    fn resolved_incidents_are_never_overdue() {
        let sl = ServiceLevels::default();
        assert_eq!(
            sl.state(Severity::Critical, 0, None, Some(5), 1000 * H),
            SlaState::Met
        );
    }
}
