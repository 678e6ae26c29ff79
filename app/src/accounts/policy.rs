//! Who may call each server function, in one table beside the code. The server checks it
//! before any server function runs (a function missing here is refused for everyone), and the
//! authorization tests read it with the registry of server functions, so a new function cannot
//! be added without saying who may call it. Each function still checks its caller itself
//! (`guard::require_staff`, `require_customer`) and any ownership rule.
use super::{Role, Viewer};

/// The callers a server function is open to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// Anyone, signed in or not (pages reached by a link: surveys, referrals, the viewer).
    Anyone,
    /// Signed-in staff of at least this role.
    Staff(Role),
    /// A signed-in customer (their own records only).
    Customer,
}

use Needs::{Anyone, Customer};
const ASSOCIATE: Needs = Needs::Staff(Role::Associate);
const MANAGER: Needs = Needs::Staff(Role::Manager);
const ADMIN: Needs = Needs::Staff(Role::Admin);

/// Every server function by endpoint (the path after `/fn/`).
pub const POLICY: &[(&str, Needs)] = &[
    ("viewer", Anyone),
    ("surveys/open", Anyone),
    ("surveys/answer", Anyone),
    ("referrals/open", Anyone),
    ("portal/summary", Customer),
    ("portal/incidents", Customer),
    ("portal/stories", Customer),
    ("portal/rate", Customer),
    ("account/two-factor", ASSOCIATE),
    ("account/two-factor/begin", ASSOCIATE),
    ("account/two-factor/confirm", ASSOCIATE),
    ("account/two-factor/disable", ASSOCIATE),
    ("customers/list", ASSOCIATE),
    ("customers/get", ASSOCIATE),
    ("customers/create", ASSOCIATE),
    ("notifications/list", ASSOCIATE),
    ("notifications/unread", ASSOCIATE),
    ("notifications/open", ASSOCIATE),
    ("notifications/read-all", ASSOCIATE),
    ("notifications/preferences", ASSOCIATE),
    ("notifications/preferences/save", ASSOCIATE),
    ("incidents/escalation/rules", MANAGER),
    ("incidents/escalation/save", MANAGER),
    ("org/weekly-email", ADMIN),
    ("org/rates", ADMIN),
    ("org/currency", ADMIN),
    ("org/rates/save", ADMIN),
    ("org/rates/import", ADMIN),
    ("org/rates/delete", ADMIN),
    ("org/weekly-email/save", ADMIN),
    ("customers/update", ASSOCIATE),
    ("customers/search", ASSOCIATE),
    ("customers/portal-login/disable", ASSOCIATE),
    ("dashboard/attention", ASSOCIATE),
    ("incidents/list", ASSOCIATE),
    ("incidents/get", ASSOCIATE),
    ("incidents/categories", ASSOCIATE),
    ("incidents/filter-options", ASSOCIATE),
    ("incidents/create", ASSOCIATE),
    ("incidents/start", ASSOCIATE),
    ("incidents/resolve", ASSOCIATE),
    ("incidents/reopen", ASSOCIATE),
    ("incidents/assign", ASSOCIATE),
    ("incidents/action", ASSOCIATE),
    ("incidents/note", ASSOCIATE),
    ("incidents/complaint", ASSOCIATE),
    ("incidents/notice", ASSOCIATE),
    ("feedback/list", ASSOCIATE),
    ("feedback/create", ASSOCIATE),
    ("feedback/customer", ASSOCIATE),
    ("follow-ups/list", ASSOCIATE),
    ("follow-ups/counts", ASSOCIATE),
    ("follow-ups/get", ASSOCIATE),
    ("follow-ups/attempt", ASSOCIATE),
    ("follow-ups/close", ASSOCIATE),
    ("follow-ups/assign", ASSOCIATE),
    ("surveys/list", ASSOCIATE),
    ("surveys/create", ASSOCIATE),
    ("stories/list", ASSOCIATE),
    ("stories/people", ASSOCIATE),
    ("stories/form", ASSOCIATE),
    ("stories/create", ASSOCIATE),
    ("stories/update", ASSOCIATE),
    ("stories/draft", ASSOCIATE),
    ("stories/draft/discard", ASSOCIATE),
    ("stories/get", ASSOCIATE),
    ("stories/kudos", ASSOCIATE),
    ("stories/comment", ASSOCIATE),
    ("stories/mine", ASSOCIATE),
    ("stories/spotlights", ASSOCIATE),
    ("loyalty/profile", ASSOCIATE),
    ("loyalty/recovery-return", ASSOCIATE),
    ("loyalty/referral", ASSOCIATE),
    ("loyalty/post", ASSOCIATE),
    ("loyalty/referrals/list", ASSOCIATE),
    ("loyalty/referral-revenue/list", ASSOCIATE),
    ("loyalty/posts/list", ASSOCIATE),
    ("referrals/remembered", ASSOCIATE),
    ("reports/weekly", ASSOCIATE),
    ("reports/scopes", ASSOCIATE),
    ("incidents/approvals", MANAGER),
    ("themes/list", MANAGER),
    ("themes/comments", MANAGER),
    ("themes/rename", MANAGER),
    ("themes/merge", MANAGER),
    ("themes/split", MANAGER),
    ("themes/teach", MANAGER),
    ("themes/rising", ASSOCIATE),
    ("playbook/get", MANAGER),
    ("playbook/suggest", ASSOCIATE),
    ("incidents/decide", MANAGER),
    ("incidents/settings", MANAGER),
    ("incidents/settings/save", MANAGER),
    ("incidents/categories/save", MANAGER),
    ("rules/list", MANAGER),
    ("rules/get", MANAGER),
    ("rules/save", MANAGER),
    ("rules/enable", MANAGER),
    ("rules/try", MANAGER),
    ("follow-ups/settings", MANAGER),
    ("follow-ups/settings/save", MANAGER),
    ("follow-ups/questions/save", MANAGER),
    ("stories/spotlight", MANAGER),
    ("stories/cadence", MANAGER),
    ("imports/get", MANAGER),
    ("imports/recent", MANAGER),
    ("imports/start", MANAGER),
    ("admin/users/list", ADMIN),
    ("admin/users/create", ADMIN),
    ("admin/users/update", ADMIN),
    ("admin/users/send-reset", ADMIN),
    ("admin/users/reset-two-factor", ADMIN),
    ("admin/users/require-two-factor", ADMIN),
    ("admin/users/two-factor-required", ADMIN),
    ("admin/tokens/list", ADMIN),
    ("admin/tokens/create", ADMIN),
    ("admin/tokens/revoke", ADMIN),
    ("admin/invitations/list", ADMIN),
    ("admin/invitations/create", ADMIN),
    ("admin/outbox", ADMIN),
    ("admin/webhooks/list", ADMIN),
    ("admin/webhooks/create", ADMIN),
    ("admin/webhooks/enable", ADMIN),
    ("admin/webhooks/delete", ADMIN),
    ("admin/webhooks/test", ADMIN),
    ("admin/webhooks/deliveries", ADMIN),
    ("admin/webhooks/redeliver", ADMIN),
    ("admin/jobs", ADMIN),
    ("admin/jobs/runs", ADMIN),
    ("admin/jobs/run", ADMIN),
    ("admin/audit", ADMIN),
    ("reports/access", ADMIN),
    ("org/settings", ADMIN),
    ("org/time-zone", ADMIN),
    ("org/teams/create", ADMIN),
    ("org/teams/assign", ADMIN),
    ("org/retention", ADMIN),
    ("org/retention/save", ADMIN),
];

/// Who may call the server function at `endpoint`; `None` when it has no entry.
pub fn needs(endpoint: &str) -> Option<Needs> {
    POLICY.iter().find(|(e, _)| *e == endpoint).map(|(_, n)| *n)
}

/// What a caller gets from a server function's gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    Open,
    /// Not signed in (401).
    SignIn,
    /// Signed in as someone it is not open to (403).
    Refuse,
}

impl Needs {
    /// Whether `viewer` may call a function that needs this.
    pub fn gate(self, viewer: Option<&Viewer>) -> Gate {
        match (self, viewer) {
            (Anyone, _) => Gate::Open,
            (_, None) => Gate::SignIn,
            (Customer, Some(Viewer::Customer(_))) => Gate::Open,
            (Needs::Staff(role), Some(Viewer::Staff(s))) if s.role.at_least(role) => Gate::Open,
            _ => Gate::Refuse,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::POLICY;

    #[test]
    fn each_endpoint_has_one_entry() {
        let mut seen = std::collections::HashSet::new();
        for (endpoint, _) in POLICY {
            assert!(seen.insert(endpoint), "{endpoint} is listed twice");
        }
    }
}
