//! Detection-rule server functions, for managers.
use super::input::RuleForm;
use super::rule::{Proposal, Rule};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::accounts::{
    guard::{require_staff, respond},
    Role,
};

/// What a rule would do with a sample signal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TryOutcome {
    pub matches: bool,
    pub explanation: String,
    pub proposal: Option<Proposal>,
    pub notice_subject: String,
    pub notice_body: String,
}

#[server(prefix = "/fn", endpoint = "rules/list")]
pub async fn list_rules() -> Result<Vec<Rule>, AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |manager| async move {
        super::queries::list(&manager.state.db).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "rules/get")]
pub async fn get_rule(id: i64) -> Result<Rule, AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |manager| async move {
        super::queries::find(&manager.state.db, id).await
    })
    .await
}

/// Creates (`id` empty) or updates a rule, then returns to the rules list.
#[server(prefix = "/fn", endpoint = "rules/save")]
pub async fn save_rule(id: String, form: RuleForm) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |manager| async move {
        let id = match id.trim() {
            "" => None,
            v => Some(
                v.parse()
                    .map_err(|_| AppError::Request("The rule id is not valid.".into()))?,
            ),
        };
        let draft = form.parse()?;
        let saved = super::queries::save(&manager.state.db, id, &draft, &manager.actor()).await?;
        leptos_axum::redirect("/incidents/rules?flash=saved");
        Ok(saved)
    })
    .await
}

#[server(prefix = "/fn", endpoint = "rules/enable")]
pub async fn set_rule_enabled(id: i64, enabled: String) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |manager| async move {
        super::queries::set_enabled(&manager.state.db, id, enabled == "1", &manager.actor()).await
    })
    .await
}

/// Runs the rule in the form against a sample signal without saving anything.
#[server(prefix = "/fn", endpoint = "rules/try")]
pub async fn try_rule(
    form: RuleForm,
    sample_kind: String,
    sample_value: String,
    sample_amount: String,
) -> Result<TryOutcome, AppError> {
    respond(async {
        require_staff(Role::Manager).await?;
        let d = form.parse()?;
        let value: f64 = sample_value.trim().parse().map_err(|_| AppError::field("sample_value", "Enter the sample's value, e.g. 0.18."))?;
        let stake = match sample_amount.trim() {
            "" => None,
            a => Some(crate::common::money::Money::parse(a, &d.currency).map_err(|m| AppError::field("sample_amount", m))?),
        };
        let kind = if sample_kind.trim().is_empty() { d.signal_kind.clone() } else { sample_kind.trim().to_string() };
        let rule = Rule {
            id: 0, name: d.name, signal_kind: d.signal_kind, comparison: d.comparison, threshold: d.threshold,
            min_count: d.min_count, window_minutes: d.window_minutes, category_id: d.category_id, category_name: String::new(),
            severity: d.severity, recovery: d.recovery, refund_percent: d.refund_percent, cap_minor: d.cap_minor,
            credit_minor: d.credit_minor, currency: d.currency, auto_apply_limit_minor: d.auto_apply_limit_minor,
            notice_subject: d.notice_subject, notice_template: d.notice_template, enabled: true,
        };
        let matches = rule.matches(&kind, value);
        let proposal = matches.then(|| rule.propose(stake.as_ref()));
        let amount = proposal.as_ref().map(|p| p.amount.clone()).unwrap_or_else(|| crate::common::money::Money::zero(&rule.currency));
        let (notice_subject, notice_body) = rule.notice("Dana Reyes", "rental-987", &amount);
        let explanation = if !matches {
            format!("No match: the rule looks for {}.", rule.describe())
        } else if rule.min_count > 1 {
            format!("Matches. An incident opens once {} such signals arrive for one customer and subject.", rule.min_count)
        } else {
            "Matches: this signal opens an incident (or joins the open one for the same customer and subject).".into()
        };
        Ok(TryOutcome { matches, explanation, proposal, notice_subject, notice_body })
    }.await)
}
