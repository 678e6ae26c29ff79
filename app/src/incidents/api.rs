//! Incident server functions: authorize, parse, call `queries` and `changes`.
use super::settings::IncidentSettings;
use super::{Category, IncidentDetail, IncidentPage, PendingApproval, PortalIncident};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::accounts::Role;

/// The incidents list. Every filter is a string as it appears in the page URL ("" = any).
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn", endpoint = "incidents/list")]
pub async fn list_incidents(
    status: String,
    category: String,
    severity: String,
    source: String,
    assignee: String,
    customer: String,
    week: String,
    overdue: String,
    q: String,
    sort: String,
    page: i64,
    #[server(default)] proactive: String,
    #[server(default)] resolved_week: String,
    #[server(default)] spend_week: String,
    #[server(default)] currency: String,
    #[server(default)] team: String,
) -> Result<IncidentPage, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let db = &staff.state.db;
        let filter = super::queries::IncidentQuery {
            status,
            category,
            severity,
            source,
            assignee,
            customer,
            week,
            resolved_week,
            spend_week,
            currency,
            team,
            overdue,
            proactive,
            q,
            sort,
            page,
        }
        .filter(db)
        .await?;
        super::queries::list(db, &filter).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "incidents/get")]
pub async fn get_incident(id: i64) -> Result<IncidentDetail, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::queries::detail(
            &staff.state.db,
            id,
            staff.viewer.role.at_least(Role::Manager),
        )
        .await
    })
    .await
}

/// What the log form needs: the active categories.
#[server(prefix = "/fn", endpoint = "incidents/categories")]
pub async fn incident_categories() -> Result<Vec<Category>, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::settings::queries::categories(&staff.state.db, true).await
    })
    .await
}

#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn", endpoint = "incidents/create")]
pub async fn create_incident(
    customer: String,
    new_customer_name: String,
    category_id: String,
    severity: String,
    source: String,
    occurred_at: String,
    subject_ref: String,
    description: String,
    #[server(default)] follow_up: String,
) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let follow_up = AppError::optional_id(&follow_up, "follow_up")?;
        let input = super::fields::NewIncident::parse(
            &customer,
            &new_customer_name,
            &category_id,
            &severity,
            &source,
            &occurred_at,
            &subject_ref,
            &description,
            crate::db::now_ms(),
        )?;
        let id = super::changes::create(
            &staff.state.db,
            input,
            follow_up,
            staff.viewer.id,
            &staff.actor(),
            &staff.ctx.ip,
        )
        .await?;
        leptos_axum::redirect(&format!("/incidents/{id}?flash=incident-created"));
        Ok(id)
    })
    .await
}

#[server(prefix = "/fn", endpoint = "incidents/start")]
pub async fn start_recovery(id: i64) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::changes::start_recovery(&staff.state.db, id, &staff.actor()).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "incidents/resolve")]
pub async fn resolve_incident(
    id: i64,
    root_cause: String,
    no_action_reason: String,
) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::changes::resolve(
            &staff.state.db,
            id,
            &root_cause,
            &no_action_reason,
            &staff.state.settings.public_url,
            &staff.actor(),
        )
        .await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "incidents/reopen")]
pub async fn reopen_incident(id: i64, reason: String) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::changes::reopen(&staff.state.db, id, &reason, &staff.actor()).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "incidents/assign")]
pub async fn assign_incident(id: i64, assignee_id: i64) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::changes::assign(&staff.state.db, id, assignee_id, &staff.actor()).await
    })
    .await
}

/// Returns "applied" or "pending" (waiting for a manager's approval).
#[server(prefix = "/fn", endpoint = "incidents/action")]
pub async fn add_recovery_action(
    id: i64,
    kind: String,
    amount: String,
    currency: String,
    note: String,
) -> Result<String, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let input = super::fields::NewAction::parse(&kind, &amount, &currency, &note)?;
        let status =
            super::changes::add_action(&staff.state.db, id, input, staff.viewer.id, &staff.actor())
                .await?;
        // A form post lands back on the incident, saying what became of the action.
        let flash = if status.as_str() == "pending" {
            "action-pending"
        } else {
            "action-applied"
        };
        leptos_axum::redirect(&format!("/incidents/{id}?flash={flash}"));
        Ok(status.as_str().to_string())
    })
    .await
}

#[server(prefix = "/fn", endpoint = "incidents/note")]
pub async fn add_incident_note(id: i64, text: String) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::changes::add_note(&staff.state.db, id, &text, &staff.actor()).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "incidents/complaint")]
pub async fn record_complaint(id: i64, text: String) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::changes::record_complaint(&staff.state.db, id, &text, &staff.actor()).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "incidents/notice")]
pub async fn send_notice(id: i64, subject: String, body: String) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::changes::send_notice(&staff.state.db, id, &subject, &body, &staff.actor()).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "incidents/approvals")]
pub async fn pending_approvals() -> Result<Vec<PendingApproval>, AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |manager| async move {
        super::queries::pending_approvals(&manager.state.db).await
    })
    .await
}

/// A manager approves (`decision` = "approve") or declines a pending refund or credit.
#[server(prefix = "/fn", endpoint = "incidents/decide")]
pub async fn decide_action(
    action_id: i64,
    decision: String,
    note: String,
) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |manager| async move {
        let approve = match decision.as_str() {
            "approve" => true,
            "decline" => false,
            _ => return Err(AppError::field("decision", "Choose approve or decline.")),
        };
        super::changes::decide(
            &manager.state.db,
            action_id,
            approve,
            &note,
            manager.viewer.id,
            &manager.actor(),
        )
        .await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "incidents/settings")]
pub async fn load_incident_settings() -> Result<IncidentSettings, AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |manager| async move {
        super::settings::queries::load(&manager.state.db).await
    })
    .await
}

/// Saves the approval rules (the organisation currency, its limit as a decimal amount, limits in
/// other currencies as "EUR 45.00, GBP 40", and whether a proposer may approve their own
/// recovery) and the service levels (hours, per severity).
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn", endpoint = "incidents/settings/save")]
pub async fn save_incident_settings(
    approval_limit: String,
    #[server(default)] currency: String,
    #[server(default)] other_limits: String,
    #[server(default)] allow_self_approval: String,
    ack_minor: String,
    ack_major: String,
    ack_critical: String,
    resolve_minor: String,
    resolve_major: String,
    resolve_critical: String,
) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |manager| async move {
        use crate::error::FieldError;
        let mut errors = Vec::new();
        // The limit is written in the organisation currency, which an admin sets apart.
        let org = crate::org::money::queries::currency(&manager.state.db).await?;
        let currency = match crate::common::money::parse_currency(&currency) {
            _ if currency.trim().is_empty() => org,
            Ok(c) if c == org => c,
            Ok(_) => {
                errors.push(FieldError::new(
                    "currency",
                    format!("The organisation currency is {org}: an admin changes it under Admin → Exchange rates."),
                ));
                org
            }
            Err(m) => {
                errors.push(FieldError::new("currency", m));
                org
            }
        };
        let limit = crate::common::money::Money::parse(&approval_limit, &currency)
            .map_err(|m| errors.push(FieldError::new("approval_limit", m)))
            .ok();
        let others = super::settings::parse_other_limits(&other_limits)
            .map_err(|m| errors.push(FieldError::new("other_limits", m)))
            .unwrap_or_default();
        if others.iter().any(|m| m.currency == currency) {
            errors.push(FieldError::new(
                "other_limits",
                format!("{currency} is the organisation currency: its limit is set above."),
            ));
        }
        let mut hours = |field: &str, value: &str| -> i64 {
            match value.trim().parse::<i64>() {
                Ok(h) if (1..=24 * 90).contains(&h) => h,
                _ => {
                    errors.push(FieldError::new(
                        field,
                        "Enter whole hours between 1 and 2160.",
                    ));
                    0
                }
            }
        };
        let levels = super::sla::ServiceLevels {
            acknowledge_hours: [
                hours("ack_minor", &ack_minor),
                hours("ack_major", &ack_major),
                hours("ack_critical", &ack_critical),
            ],
            resolve_hours: [
                hours("resolve_minor", &resolve_minor),
                hours("resolve_major", &resolve_major),
                hours("resolve_critical", &resolve_critical),
            ],
        };
        let Some(limit) = limit.filter(|_| errors.is_empty()) else {
            return Err(AppError::fields(errors));
        };
        let allow_self = matches!(allow_self_approval.as_str(), "on" | "1" | "true");
        // The four-eyes rule binds managers: only an admin may relax it.
        let current = super::settings::queries::approval_rules(&manager.state.db).await?;
        if allow_self != current.allow_self_approval && !manager.viewer.role.at_least(Role::Admin) {
            return Err(AppError::field(
                "allow_self_approval",
                "Only an admin can change whether people may approve their own recoveries.",
            ));
        }
        let approvals = super::settings::ApprovalRules {
            currency,
            limits: std::iter::once(limit).chain(others).collect(),
            allow_self_approval: allow_self,
        };
        super::settings::queries::save(&manager.state.db, &approvals, &levels, &manager.actor())
            .await?;
        leptos_axum::redirect("/incidents/settings?flash=saved");
        Ok(())
    })
    .await
}

/// Adds a category (`id` empty) or updates one. `active` is "1" or "0".
#[server(prefix = "/fn", endpoint = "incidents/categories/save")]
pub async fn save_category(
    id: String,
    name: String,
    default_severity: String,
    active: String,
) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |manager| async move {
        let id = AppError::optional_id(&id, "id")?;
        let severity = super::Severity::parse(&default_severity).ok_or_else(|| {
            AppError::field("default_severity", "Choose minor, major or critical.")
        })?;
        let saved = super::settings::queries::save_category(
            &manager.state.db,
            id,
            &name,
            severity,
            active != "0",
            &manager.actor(),
        )
        .await?;
        leptos_axum::redirect("/incidents/settings?flash=saved");
        Ok(saved)
    })
    .await
}

/// The signed-in customer's incidents; the customer comes from the session only.
#[server(prefix = "/fn", endpoint = "portal/incidents")]
pub async fn portal_incidents() -> Result<Vec<PortalIncident>, AppError> {
    crate::accounts::guard::as_customer(move |me| async move {
        super::queries::for_portal(&me.state.db, me.viewer.customer_id).await
    })
    .await
}

/// The choices the list filters offer: categories (all, retired too) and staff.
#[server(prefix = "/fn", endpoint = "incidents/filter-options")]
pub async fn incident_filter_options() -> Result<(Vec<Category>, Vec<(i64, String)>), AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        use sqlx::Row;
        let categories = super::settings::queries::categories(&staff.state.db, false).await?;
        let people =
            sqlx::query("SELECT id, name FROM staff_users WHERE active = 1 ORDER BY LOWER(name)")
                .fetch_all(&staff.state.db)
                .await?
                .iter()
                .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
                .collect::<Result<Vec<_>, AppError>>()?;
        Ok((categories, people))
    })
    .await
}
