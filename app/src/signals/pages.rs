//! Detection-rule pages for managers: the list, and the form to create or edit a rule with a
//! "try it" panel that runs the rule on a sample signal before saving.
use super::api::{get_rule, list_rules, SaveRule, SetRuleEnabled, TryRule};
use super::rule::{Comparison, RecoveryPlan, Rule};
use crate::common::money::Money;
use crate::components::flash::Flash;
use crate::components::form::{FormAlert, SelectField, TextArea, TextField};
use crate::components::layout::{EmptyState, LoadError, PageHeader};
use crate::error::AppError;
use crate::incidents::api::incident_categories;
use crate::incidents::Severity;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn RulesPage() -> impl IntoView {
    let toggle = ServerAction::<SetRuleEnabled>::new();
    let rules = Resource::new(move || toggle.version().get(), |_| list_rules());
    view! {
        <PageHeader title="Detection rules".into()>
            <a class="button" href="/incidents/rules/new">"New rule"</a>
        </PageHeader>
        <p class="muted">"Rules read the service signals other systems send and open incidents before the customer complains, with a recovery and a notice."</p>
        <Flash/>
        <Transition fallback=|| view! { <p class="loading">"Loading rules…"</p> }>
            {move || Suspend::new(async move {
                match rules.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <EmptyState title="No rules yet"><p>"Create one to act on signals such as playback quality or late deliveries."</p></EmptyState>
                    }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap"><table class="table">
                            <thead><tr><th>"Rule"</th><th>"When"</th><th>"Recovery"</th><th>"Status"</th></tr></thead>
                            <tbody>{list.into_iter().map(|r| view! { <RuleRow rule=r toggle=toggle/> }).collect_view()}</tbody>
                        </table></div>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

fn recovery_summary(r: &Rule) -> String {
    let money = |minor| {
        Money {
            minor,
            currency: r.currency.clone(),
        }
        .display()
    };
    let auto = format!("automatic up to {}", money(r.auto_apply_limit_minor));
    match r.recovery {
        RecoveryPlan::None => "Open the incident only".into(),
        RecoveryPlan::Reship => "Reship".into(),
        RecoveryPlan::Credit => format!("Credit {}, {auto}", money(r.credit_minor)),
        RecoveryPlan::RefundPercent if r.cap_minor > 0 => format!(
            "Refund {}% up to {}, {auto}",
            r.refund_percent,
            money(r.cap_minor)
        ),
        RecoveryPlan::RefundPercent => format!("Refund {}%, {auto}", r.refund_percent),
    }
}

#[component]
fn RuleRow(rule: Rule, toggle: ServerAction<SetRuleEnabled>) -> impl IntoView {
    let summary = recovery_summary(&rule);
    view! {
        <tr class:row-muted=!rule.enabled>
            <td data-label="Rule"><a href=format!("/incidents/rules/{}", rule.id)>{rule.name.clone()}</a>
                <div class="muted small">{format!("{} · {}", rule.category_name, rule.severity.label())}</div></td>
            <td data-label="When"><code>{rule.describe()}</code></td>
            <td data-label="Recovery">{summary}</td>
            <td data-label="Status">
                <ActionForm action=toggle attr:class="inline-form">
                    <input type="hidden" name="id" value=rule.id/>
                    <input type="hidden" name="enabled" value=if rule.enabled { "0" } else { "1" }/>
                    <span>{if rule.enabled { "Enabled" } else { "Disabled" }}</span>
                    <button class="button button-quiet" type="submit">{if rule.enabled { "Disable" } else { "Enable" }}</button>
                </ActionForm>
            </td>
        </tr>
    }
}

#[component]
pub fn RuleEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let rule = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_rule(id).await.map(Some),
            None => Ok(None),
        }
    });
    let categories = Resource::new(|| (), |_| incident_categories());
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading rule…"</p> }>
            {move || Suspend::new(async move {
                match (rule.await, categories.await) {
                    (Err(e), _) | (_, Err(e)) => view! { <LoadError error=e/> }.into_any(),
                    (Ok(r), Ok(cats)) => view! { <RuleForm rule=r categories=cats.into_iter().map(|c| (c.id.to_string(), c.name)).collect()/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn default_rule() -> Rule {
    Rule {
        id: 0,
        name: String::new(),
        signal_kind: String::new(),
        comparison: Comparison::Gt,
        threshold: 0.0,
        min_count: 1,
        window_minutes: 0,
        category_id: 0,
        category_name: String::new(),
        severity: Severity::Minor,
        recovery: RecoveryPlan::RefundPercent,
        refund_percent: 100,
        cap_minor: 500,
        credit_minor: 0,
        currency: "USD".into(),
        auto_apply_limit_minor: 500,
        notice_subject: "We noticed a problem with {subject}".into(),
        notice_template: "Dear {name},\n\nWe noticed that {subject} did not work as it should. We have refunded {amount}; there is nothing you need to do.\n\nSorry for the trouble.".into(),
        enabled: true,
    }
}

#[component]
fn RuleForm(rule: Option<Rule>, categories: Vec<(String, String)>) -> impl IntoView {
    let editing = rule.is_some();
    let r = rule.unwrap_or_else(default_rule);
    let save = ServerAction::<SaveRule>::new();
    let error = Signal::derive(move || save.value().get().and_then(|r| r.err()));
    let money = |minor: i64| {
        Money {
            minor,
            currency: "USD".into(),
        }
        .amount()
    };
    let title = if editing {
        format!("Edit rule: {}", r.name)
    } else {
        "New detection rule".to_string()
    };
    view! {
        <PageHeader title=title/>
        <ActionForm action=save attr:class="form card form-wide">
            <FormAlert error=error/>
            <input type="hidden" name="id" value=if editing { r.id.to_string() } else { String::new() }/>
            <TextField label="Name" name="form[name]" value=r.name.clone() required=true error=error/>
            <fieldset class="field-row">
                <legend>"When a signal…"</legend>
                <TextField label="Signal kind" name="form[signal_kind]" value=r.signal_kind.clone() hint="e.g. playback.rebuffer_ratio" error=error/>
                <SelectField label="Comparison" name="form[comparison]" selected=r.comparison.as_str().to_string() error=error
                    options=Comparison::ALL.iter().map(|c| (c.as_str().to_string(), c.symbol().to_string())).collect()/>
                <TextField label="Threshold" name="form[threshold]" value=r.threshold.to_string() error=error/>
            </fieldset>
            <fieldset class="field-row">
                <legend>"…at least this often (optional)"</legend>
                <TextField label="Matching signals" name="form[min_count]" value=r.min_count.to_string() error=error/>
                <TextField label="Within minutes (0: any time)" name="form[window_minutes]" value=r.window_minutes.to_string() error=error/>
            </fieldset>
            <fieldset class="field-row">
                <legend>"…open an incident"</legend>
                <SelectField label="Category" name="form[category_id]" selected=r.category_id.to_string() options=categories error=error/>
                <SelectField label="Severity" name="form[severity]" selected=r.severity.as_str().to_string() error=error
                    options=Severity::ALL.iter().map(|s| (s.as_str().to_string(), s.label().to_string())).collect()/>
            </fieldset>
            <SelectField label="Recovery to propose" name="form[recovery]" selected=r.recovery.as_str().to_string() error=error
                options=RecoveryPlan::ALL.iter().map(|p| (p.as_str().to_string(), p.label().to_string())).collect()/>
            <fieldset class="field-row">
                <legend>"Amounts"</legend>
                <TextField label="Refund %" name="form[refund_percent]" value=r.refund_percent.to_string() error=error/>
                <TextField label="Refund cap" name="form[cap]" value=money(r.cap_minor) error=error/>
                <TextField label="Credit" name="form[credit]" value=money(r.credit_minor) error=error/>
                <TextField label="Currency" name="form[currency]" value=r.currency.clone() error=error/>
                <TextField label="Apply automatically up to" name="form[auto_apply_limit]" value=money(r.auto_apply_limit_minor)
                    hint="Above this, the recovery waits for a manager." error=error/>
            </fieldset>
            <TextField label="Notice subject" name="form[notice_subject]" value=r.notice_subject.clone() error=error/>
            <TextArea label="Notice to the customer" name="form[notice_template]" value=r.notice_template.clone() rows=6
                hint="Placeholders: {name}, {subject}, {amount}." error=error/>
            <fieldset class="field-row try-panel">
                <legend>"Try it on a sample signal"</legend>
                <TextField label="Sample kind" name="sample_kind" hint="Empty: the rule's kind." error=error/>
                <TextField label="Sample value" name="sample_value" value="0.18" error=error/>
                <TextField label="Amount at stake" name="sample_amount" value="3.99" error=error/>
            </fieldset>
            <RuleTrial/>
            <div class="form-actions">
                <button class="button" type="submit">{if editing { "Save rule" } else { "Create rule" }}</button>
                <a class="button button-quiet" href="/incidents/rules">"Cancel"</a>
            </div>
        </ActionForm>
    }
}

/// "Try it": runs the rule as filled in on the sample signal, without saving, and shows what
/// it would do. It reads the form around it, so it is an island.
#[island]
fn RuleTrial() -> impl IntoView {
    let trial = ServerAction::<TryRule>::new();
    let marker = NodeRef::<leptos::html::Div>::new();
    let on_try = move |_| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::form::FromFormData;
            let Some(form) = marker
                .get()
                .and_then(|m| crate::components::dom::form_around(&m))
            else {
                return;
            };
            let Ok(data) = leptos::web_sys::FormData::new_with_form(&form) else {
                return;
            };
            if let Ok(input) = TryRule::from_form_data(&data) {
                trial.dispatch(input);
            }
        }
    };
    let outcome = move || trial.value().get();
    view! {
        <div class="try-trial" node_ref=marker>
            <button class="button button-quiet" type="button" on:click=on_try>"Try it"</button>
            {move || match outcome() {
            None => ().into_any(),
            Some(Err(e)) => view! { <FormAlert error=Signal::derive(move || Some::<AppError>(e.clone()))/> }.into_any(),
            Some(Ok(o)) => view! {
                <div class=if o.matches { "try-result try-match" } else { "try-result" } role="status" data-testid="try-result">
                    <p><strong>{o.explanation.clone()}</strong></p>
                    {o.proposal.clone().and_then(|p| p.action.clone().map(|a| (a, p))).map(|(a, p)| view! {
                        <p>{format!("Proposes: {a} of {}, {}", p.amount.display(), if p.automatic { "applied at once" } else { "waiting for a manager" })}</p>
                    })}
                    <p class="muted small">"Notice preview (for Dana Reyes, rental-987):"</p>
                    <p><strong>{o.notice_subject.clone()}</strong></p>
                    <p class="prewrap">{o.notice_body.clone()}</p>
                </div>
            }.into_any(),
            }}
        </div>
    }
}
