//! Escalation: what happens as an incident's service level runs out. At 80% of the time allowed
//! its assignee is warned; once breached, the assignee and the managers of their team (all
//! managers when they have none) are told and the breach goes on the incident's timeline; and a
//! per-category rule may hand an unacknowledged incident to a named person or team after some
//! minutes. Each step is claimed once in `incident_escalations`, so repeated passes and several
//! instances never escalate twice. [`ssr::check`] is the one pass the scheduler runs.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A category's reassignment rule, as the settings page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationRule {
    pub category_id: i64,
    pub category: String,
    /// Minutes unacknowledged after detection; `None`: no rule for this category.
    pub after_minutes: Option<i64>,
    /// `staff:<id>` or `team:<id>`, as the form's select says; empty without a rule.
    pub target: String,
}

/// Everything the rules section of the settings page needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationRules {
    pub rules: Vec<EscalationRule>,
    pub people: Vec<(i64, String)>,
    pub teams: Vec<(i64, String)>,
}

/// Who a rule hands incidents to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Staff(i64),
    Team(i64),
}

impl Target {
    /// Reads `staff:<id>` or `team:<id>`; empty is no target.
    pub fn parse(text: &str) -> Result<Option<Self>, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let bad = || "Choose a person or a team from the list.".to_string();
        let (kind, id) = text.split_once(':').ok_or_else(bad)?;
        let id: i64 = id.parse().map_err(|_| bad())?;
        match kind {
            "staff" => Ok(Some(Self::Staff(id))),
            "team" => Ok(Some(Self::Team(id))),
            _ => Err(bad()),
        }
    }

    pub fn as_text(self) -> String {
        match self {
            Self::Staff(id) => format!("staff:{id}"),
            Self::Team(id) => format!("team:{id}"),
        }
    }
}

/// The step of a service level an incident is measured against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Acknowledge,
    Resolve,
}

impl Phase {
    #[cfg_attr(not(feature = "ssr"), allow(dead_code))]
    fn as_str(self) -> &'static str {
        match self {
            Self::Acknowledge => "acknowledge",
            Self::Resolve => "resolve",
        }
    }
}

/// Where an unresolved incident stands for escalation at `now`: the phase, its due time, and
/// whether it is past 80% of the time allowed and past the due time.
pub fn standing(
    levels: &super::sla::ServiceLevels,
    severity: super::Severity,
    detected: i64,
    acknowledged: Option<i64>,
    now: i64,
) -> (Phase, i64, bool, bool) {
    let (phase, allowed) = match acknowledged {
        None => (Phase::Acknowledge, levels.acknowledge_ms(severity)),
        Some(_) => (Phase::Resolve, levels.resolve_ms(severity)),
    };
    let due = detected + allowed;
    let warn_at = detected + allowed / 10 * 8;
    (phase, due, now >= warn_at, now > due)
}

/// The reassignment rules of every active category, with the people and teams to choose from.
#[server(prefix = "/fn", endpoint = "incidents/escalation/rules")]
pub async fn load_escalation_rules() -> Result<EscalationRules, AppError> {
    use crate::accounts::Role;
    crate::accounts::guard::as_staff(Role::Manager, move |staff| async move {
        let db = &staff.state.db;
        Ok(EscalationRules {
            rules: ssr::rules(db).await?,
            people: crate::org::teams::people(db, None).await?,
            teams: crate::org::teams::names(db).await?,
        })
    })
    .await
}

/// Sets category `category_id`'s rule: reassign to `target` (`staff:<id>` or `team:<id>`)
/// after `after_minutes` unacknowledged; an empty target or minutes removes the rule.
#[server(prefix = "/fn", endpoint = "incidents/escalation/save")]
pub async fn save_escalation_rule(
    category_id: i64,
    #[server(default)] after_minutes: String,
    #[server(default)] target: String,
) -> Result<(), AppError> {
    use crate::accounts::Role;
    crate::accounts::guard::as_staff(Role::Manager, move |staff| async move {
        let target = Target::parse(&target).map_err(|m| AppError::field("target", m))?;
        let minutes = match after_minutes.trim() {
            "" => None,
            m => match m.parse::<i64>() {
                Ok(n) if (1..=525_600).contains(&n) => Some(n),
                _ => {
                    return Err(AppError::field(
                        "after_minutes",
                        "Give the minutes as a whole number from 1 to 525,600 (a year).",
                    ))
                }
            },
        };
        let rule = match (minutes, target) {
            (Some(m), Some(t)) => Some((m, t)),
            (None, None) => None,
            (None, Some(_)) => {
                return Err(AppError::field(
                    "after_minutes",
                    "Say after how many minutes to reassign.",
                ))
            }
            (Some(_), None) => {
                return Err(AppError::field("target", "Choose who the incidents go to."))
            }
        };
        ssr::save_rule(&staff.state.db, category_id, rule, &staff.actor()).await?;
        leptos_axum::redirect("/incidents/settings?flash=saved");
        Ok(())
    })
    .await
}

#[cfg(feature = "ssr")]
pub use ssr::check;

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::audit::{Actor, Entry};
    use crate::db::{Db, Tx};
    use crate::incidents::changes::record;
    use crate::incidents::Severity;
    use crate::notifications::{notify_at, Kind, Note};
    use std::collections::HashSet;

    /// The rule of every active category (none where no rule is set).
    pub async fn rules(db: &Db) -> Result<Vec<EscalationRule>, AppError> {
        type Row = (i64, String, Option<i64>, Option<i64>, Option<i64>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT k.id, k.name, r.after_minutes, r.to_staff_id, r.to_team_id
             FROM incident_categories k LEFT JOIN escalation_rules r ON r.category_id = k.id
             WHERE k.active = 1 ORDER BY LOWER(k.name)",
        )
        .fetch_all(db)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(category_id, category, after_minutes, staff, team)| {
                let target = match (staff, team) {
                    (Some(s), _) => Target::Staff(s).as_text(),
                    (None, Some(t)) => Target::Team(t).as_text(),
                    (None, None) => String::new(),
                };
                EscalationRule {
                    category_id,
                    category,
                    after_minutes,
                    target,
                }
            })
            .collect())
    }

    /// Sets or (with `None`) removes a category's rule, recorded in the audit log.
    pub async fn save_rule(
        db: &Db,
        category_id: i64,
        rule: Option<(i64, Target)>,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let mut tx = crate::db::begin_write(db).await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM incident_categories WHERE id = $1")
                .bind(category_id)
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_none() {
            return Err(AppError::NotFound("That category".into()));
        }
        sqlx::query("DELETE FROM escalation_rules WHERE category_id = $1")
            .bind(category_id)
            .execute(&mut *tx)
            .await?;
        if let Some((minutes, target)) = rule {
            let (staff, team) = match target {
                Target::Staff(id) => (Some(id), None),
                Target::Team(id) => (None, Some(id)),
            };
            let known: i64 = match target {
                Target::Staff(id) => {
                    sqlx::query_scalar(
                        "SELECT COUNT(*) FROM staff_users WHERE id = $1 AND active = 1",
                    )
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?
                }
                Target::Team(id) => {
                    sqlx::query_scalar("SELECT COUNT(*) FROM teams WHERE id = $1")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?
                }
            };
            if known == 0 {
                return Err(AppError::field(
                    "target",
                    "Choose an active person or an existing team.",
                ));
            }
            sqlx::query(
                "INSERT INTO escalation_rules (category_id, after_minutes, to_staff_id, to_team_id) VALUES ($1, $2, $3, $4)",
            )
            .bind(category_id)
            .bind(minutes)
            .bind(staff)
            .bind(team)
            .execute(&mut *tx)
            .await?;
        }
        let after =
            rule.map(|(m, t)| serde_json::json!({ "after_minutes": m, "target": t.as_text() }));
        Entry::new(actor, "escalation_rule.save", "incident_category")
            .id(category_id)
            .after(&after)
            .write(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An unresolved incident as the check reads it.
    struct Open {
        id: i64,
        customer_id: i64,
        category_id: i64,
        category: String,
        customer: String,
        severity: Severity,
        status: String,
        detected_at: i64,
        acknowledged_at: Option<i64>,
        assignee_id: Option<i64>,
    }

    /// One pass at `now_ms` over every unresolved incident: warns at 80% of the service level,
    /// escalates a breach, and applies the category's reassignment rule, each step once per
    /// incident (and per due time) however many passes or instances run. Returns the number of
    /// steps taken.
    pub async fn check(db: &Db, now_ms: i64) -> Result<usize, AppError> {
        let levels = crate::incidents::settings::queries::service_levels(db).await?;
        type Row = (
            i64,
            i64,
            i64,
            String,
            String,
            String,
            String,
            i64,
            Option<i64>,
            Option<i64>,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT i.id, i.customer_id, i.category_id, k.name, c.name, i.severity, i.status,
                    i.detected_at, i.acknowledged_at, i.assignee_id
             FROM incidents i JOIN incident_categories k ON k.id = i.category_id
             JOIN customers c ON c.id = i.customer_id
             WHERE i.status <> 'resolved' ORDER BY i.id",
        )
        .fetch_all(db)
        .await?;
        let taken: HashSet<(i64, String)> = sqlx::query_as(
            "SELECT e.incident_id, e.step FROM incident_escalations e
             JOIN incidents i ON i.id = e.incident_id WHERE i.status <> 'resolved'",
        )
        .fetch_all(db)
        .await?
        .into_iter()
        .collect();
        let rules: Vec<(i64, i64, Option<i64>, Option<i64>)> = sqlx::query_as(
            "SELECT category_id, after_minutes, to_staff_id, to_team_id FROM escalation_rules",
        )
        .fetch_all(db)
        .await?;
        let mut steps = 0;
        for r in rows {
            let incident = Open {
                id: r.0,
                customer_id: r.1,
                category_id: r.2,
                category: r.3,
                customer: r.4,
                severity: Severity::decode(&r.5, "incidents", r.0)?,
                status: r.6,
                detected_at: r.7,
                acknowledged_at: r.8,
                assignee_id: r.9,
            };
            let (phase, due, warn, breached) = standing(
                &levels,
                incident.severity,
                incident.detected_at,
                incident.acknowledged_at,
                now_ms,
            );
            let is_new = |step: &str| !taken.contains(&(incident.id, step.to_string()));
            let breach_step = format!("breach:{}:{due}", phase.as_str());
            let warn_step = format!("warning:{}:{due}", phase.as_str());
            if breached && is_new(&breach_step) {
                steps += breach(db, &incident, phase, due, &breach_step, now_ms).await?;
            } else if warn && !breached && incident.assignee_id.is_some() && is_new(&warn_step) {
                steps += warning(db, &incident, phase, due, &warn_step, now_ms).await?;
            }
            let rule = rules.iter().find(|(c, ..)| *c == incident.category_id);
            if let Some((_, minutes, staff, team)) = rule {
                let unacknowledged =
                    incident.status == "open" && incident.acknowledged_at.is_none();
                if unacknowledged
                    && now_ms >= incident.detected_at + minutes * 60_000
                    && is_new("reassign")
                {
                    let target = match (staff, team) {
                        (Some(s), _) => Target::Staff(*s),
                        (None, Some(t)) => Target::Team(*t),
                        (None, None) => continue,
                    };
                    steps += reassign(db, &incident, *minutes, target, now_ms).await?;
                }
            }
        }
        Ok(steps)
    }

    /// Claims `step` of `incident` in `tx`: whether this pass is the one to take it.
    async fn claim(tx: &mut Tx, incident: i64, step: &str, now_ms: i64) -> Result<bool, AppError> {
        let done = sqlx::query(
            "INSERT INTO incident_escalations (incident_id, step, at) VALUES ($1, $2, $3)
             ON CONFLICT (incident_id, step) DO NOTHING",
        )
        .bind(incident)
        .bind(step)
        .bind(now_ms)
        .execute(&mut **tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    fn phase_words(phase: Phase) -> &'static str {
        match phase {
            Phase::Acknowledge => "to acknowledge",
            Phase::Resolve => "to resolve",
        }
    }

    async fn warning(
        db: &Db,
        incident: &Open,
        phase: Phase,
        due: i64,
        step: &str,
        now_ms: i64,
    ) -> Result<usize, AppError> {
        let Some(assignee) = incident.assignee_id else {
            return Ok(0);
        };
        let mut tx = crate::db::begin_write(db).await?;
        if !claim(&mut tx, incident.id, step, now_ms).await? {
            return Ok(0);
        }
        let minutes_left = ((due - now_ms) / 60_000).max(0);
        let title = format!(
            "Incident #{} ({}, {}) has {minutes_left} minute(s) left {} within its service level",
            incident.id,
            incident.category,
            incident.customer,
            phase_words(phase)
        );
        let note = Note {
            kind: Kind::SlaWarning,
            title: &title,
            link: &format!("/incidents/{}", incident.id),
            dedupe_key: Some(&format!("incident:{}:{step}", incident.id)),
            detail: None,
        };
        notify_at(
            &mut tx,
            &Actor::system("Escalation"),
            assignee,
            &note,
            now_ms,
        )
        .await?;
        tx.commit().await?;
        Ok(1)
    }

    /// The managers to tell of a breach: those of the assignee's team, else all of them.
    async fn managers(tx: &mut Tx, assignee: Option<i64>) -> Result<Vec<i64>, AppError> {
        let team: Option<i64> = match assignee {
            Some(a) => sqlx::query_scalar::<_, Option<i64>>(
                "SELECT team_id FROM staff_users WHERE id = $1",
            )
            .bind(a)
            .fetch_optional(&mut **tx)
            .await?
            .flatten(),
            None => None,
        };
        let all = "SELECT id FROM staff_users WHERE active = 1 AND role IN ('manager', 'admin') ORDER BY id";
        if let Some(team) = team {
            let of_team: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM staff_users WHERE active = 1 AND role IN ('manager', 'admin') AND team_id = $1 ORDER BY id",
            )
            .bind(team)
            .fetch_all(&mut **tx)
            .await?;
            if !of_team.is_empty() {
                return Ok(of_team);
            }
        }
        Ok(sqlx::query_scalar(all).fetch_all(&mut **tx).await?)
    }

    async fn breach(
        db: &Db,
        incident: &Open,
        phase: Phase,
        due: i64,
        step: &str,
        now_ms: i64,
    ) -> Result<usize, AppError> {
        let mut tx = crate::db::begin_write(db).await?;
        if !claim(&mut tx, incident.id, step, now_ms).await? {
            return Ok(0);
        }
        let system = Actor::system("Escalation");
        let mut told = Vec::new();
        if let Some(a) = incident.assignee_id {
            told.push(a);
        }
        for m in managers(&mut tx, incident.assignee_id).await? {
            if !told.contains(&m) {
                told.push(m);
            }
        }
        let names: Vec<String> = {
            let mut names = Vec::new();
            for id in &told {
                let name: Option<String> =
                    sqlx::query_scalar("SELECT name FROM staff_users WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                names.extend(name);
            }
            names
        };
        let message = format!(
            "Escalated: the service level {} was breached (due {}); told {}",
            phase_words(phase),
            crate::components::time::format_ms(due),
            if names.is_empty() {
                "nobody (no assignee and no managers)".to_string()
            } else {
                names.join(", ")
            }
        );
        record(&mut tx, incident.id, &system, "escalated", &message, true).await?;
        let title = format!(
            "Incident #{} ({}, {}) breached its service level {}",
            incident.id,
            incident.category,
            incident.customer,
            phase_words(phase)
        );
        let key = format!("incident:{}:{step}", incident.id);
        for recipient in told {
            let note = Note {
                kind: Kind::SlaBreached,
                title: &title,
                link: &format!("/incidents/{}", incident.id),
                dedupe_key: Some(&key),
                detail: None,
            };
            notify_at(&mut tx, &system, recipient, &note, now_ms).await?;
        }
        announce(
            &mut tx,
            incident,
            "notified",
            &message,
            incident.assignee_id,
        )
        .await?;
        tx.commit().await?;
        Ok(1)
    }

    /// The person a rule hands the incident to: the named one if active, else the active
    /// member of the team with the fewest unresolved incidents.
    async fn pick(tx: &mut Tx, target: Target) -> Result<Option<(i64, String)>, AppError> {
        Ok(match target {
            Target::Staff(id) => {
                sqlx::query_as("SELECT id, name FROM staff_users WHERE id = $1 AND active = 1")
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await?
            }
            Target::Team(team) => {
                sqlx::query_as(
                    "SELECT u.id, u.name FROM staff_users u WHERE u.team_id = $1 AND u.active = 1
                     ORDER BY (SELECT COUNT(*) FROM incidents i WHERE i.assignee_id = u.id AND i.status <> 'resolved'), u.id
                     LIMIT 1",
                )
                .bind(team)
                .fetch_optional(&mut **tx)
                .await?
            }
        })
    }

    async fn reassign(
        db: &Db,
        incident: &Open,
        minutes: i64,
        target: Target,
        now_ms: i64,
    ) -> Result<usize, AppError> {
        let mut tx = crate::db::begin_write(db).await?;
        if !claim(&mut tx, incident.id, "reassign", now_ms).await? {
            return Ok(0);
        }
        // Acknowledged since this pass read it: the rule no longer applies (but stays claimed).
        let still: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM incidents WHERE id = $1 AND status = 'open' AND acknowledged_at IS NULL",
        )
        .bind(incident.id)
        .fetch_optional(&mut *tx)
        .await?;
        if still.is_none() {
            tx.commit().await?;
            return Ok(0);
        }
        let system = Actor::system("Escalation");
        let chosen = pick(&mut tx, target).await?;
        let (message, assignee) = match &chosen {
            Some((id, name)) if Some(*id) == incident.assignee_id => (
                format!("Escalated: unacknowledged after {minutes} minutes; the rule names {name}, who has it already"),
                Some(*id),
            ),
            Some((id, name)) => {
                sqlx::query("UPDATE incidents SET assignee_id = $1, updated_at = $2 WHERE id = $3")
                    .bind(id)
                    .bind(now_ms)
                    .bind(incident.id)
                    .execute(&mut *tx)
                    .await?;
                (
                    format!("Escalated: unacknowledged after {minutes} minutes, reassigned to {name}"),
                    Some(*id),
                )
            }
            None => (
                format!("Escalated: unacknowledged after {minutes} minutes, but the rule names nobody active to reassign it to"),
                incident.assignee_id,
            ),
        };
        record(&mut tx, incident.id, &system, "escalated", &message, true).await?;
        if let Some((id, _)) = chosen.filter(|(id, _)| Some(*id) != incident.assignee_id) {
            let title = format!(
                "Incident #{} ({}, {}) escalated to you: unacknowledged after {minutes} minutes",
                incident.id, incident.category, incident.customer
            );
            let note = Note {
                kind: Kind::IncidentAssigned,
                title: &title,
                link: &format!("/incidents/{}", incident.id),
                dedupe_key: Some(&format!("incident:{}:reassign", incident.id)),
                detail: None,
            };
            notify_at(&mut tx, &system, id, &note, now_ms).await?;
        }
        announce(&mut tx, incident, "reassigned", &message, assignee).await?;
        tx.commit().await?;
        Ok(1)
    }

    /// Tells subscribed systems of the escalation (`incident.escalated`), with the change.
    async fn announce(
        tx: &mut Tx,
        incident: &Open,
        escalation: &str,
        message: &str,
        assignee_id: Option<i64>,
    ) -> Result<(), AppError> {
        let data = crate::webhooks::payloads::IncidentEscalatedData {
            incident_id: incident.id,
            customer_id: incident.customer_id,
            escalation: escalation.to_string(),
            message: message.to_string(),
            assignee_id,
        };
        crate::webhooks::events::record(tx, crate::webhooks::EventType::IncidentEscalated, &data)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::sla::ServiceLevels;
    use crate::incidents::Severity;
    const H: i64 = 3_600_000;

    #[test]
    fn a_critical_incident_warns_at_48_minutes_and_breaches_after_an_hour() {
        let sl = ServiceLevels::default();
        let at = |now| standing(&sl, Severity::Critical, 0, None, now);
        assert_eq!(at(47 * 60_000), (Phase::Acknowledge, H, false, false));
        assert_eq!(at(48 * 60_000), (Phase::Acknowledge, H, true, false));
        assert_eq!(at(H + 1), (Phase::Acknowledge, H, true, true));
    }

    #[test]
    fn an_acknowledged_incident_is_measured_against_the_time_to_resolve() {
        let sl = ServiceLevels::default();
        let (phase, due, warn, breached) = standing(&sl, Severity::Major, 0, Some(H), 40 * H);
        assert_eq!(
            (phase, due, warn, breached),
            (Phase::Resolve, 48 * H, true, false)
        );
    }

    #[test]
    fn targets_read_back_and_nonsense_is_refused() {
        assert_eq!(Target::parse("staff:4"), Ok(Some(Target::Staff(4))));
        assert_eq!(Target::parse("team:2"), Ok(Some(Target::Team(2))));
        assert_eq!(Target::parse(" "), Ok(None));
        assert!(Target::parse("robot:1").is_err());
        assert!(Target::parse("staff:x").is_err());
        assert_eq!(Target::Team(9).as_text(), "team:9");
    }
}
