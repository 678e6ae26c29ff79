//! Organisation settings for incidents (approval limits, service levels) and the category
//! taxonomy managers keep.
use super::sla::ServiceLevels;
use super::Category;
use crate::common::money::Money;
use serde::{Deserialize, Serialize};

/// What managers configure on the incident settings page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentSettings {
    pub approvals: ApprovalRules,
    pub service_levels: ServiceLevels,
    pub categories: Vec<Category>,
}

/// When money spent on a recovery waits for a manager.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRules {
    /// The organisation's currency.
    pub currency: String,
    /// The most an incident's recovery may spend without approval, per accepted currency; the
    /// organisation currency's comes first. Amounts in any other currency always wait.
    pub limits: Vec<Money>,
    /// Whether the person who proposed a recovery may approve it too (one-manager teams).
    pub allow_self_approval: bool,
}

impl ApprovalRules {
    /// The limit in `currency`, in its minor units, if the organisation accepts it.
    pub fn limit_in(&self, currency: &str) -> Option<i64> {
        self.limits
            .iter()
            .find(|m| m.currency == currency)
            .map(|m| m.minor)
    }

    /// The limits other than the organisation currency's, as typed on the settings page.
    pub fn other_limits_text(&self) -> String {
        self.limits
            .iter()
            .filter(|m| m.currency != self.currency)
            .map(|m| format!("{} {}", m.currency, m.amount()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Stored form: "USD:5000,EUR:4500" (minor units).
    pub fn limits_to_store(&self) -> String {
        self.limits
            .iter()
            .map(|m| format!("{}:{}", m.currency, m.minor))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Reads the stored form back; a malformed entry is an error, never silently dropped.
    pub fn limits_from_store(text: &str) -> Result<Vec<Money>, String> {
        text.split(',')
            .filter(|e| !e.trim().is_empty())
            .map(|entry| {
                let (currency, minor) = entry
                    .split_once(':')
                    .ok_or_else(|| format!("approval limit entry '{entry}'"))?;
                let minor = minor
                    .trim()
                    .parse()
                    .map_err(|_| format!("approval limit entry '{entry}'"))?;
                Ok(Money {
                    minor,
                    currency: currency.trim().to_string(),
                })
            })
            .collect()
    }
}

/// Parses "EUR 45.00, GBP 40" into limits, one per currency.
pub fn parse_other_limits(text: &str) -> Result<Vec<Money>, String> {
    let mut limits: Vec<Money> = Vec::new();
    for entry in text
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        let (currency, amount) = entry.split_once(char::is_whitespace).ok_or_else(|| {
            format!("Write each limit as a currency and an amount, like \"EUR 45.00\" (not \"{entry}\").")
        })?;
        let money = Money::parse(amount.trim(), currency)?;
        if limits.iter().any(|m| m.currency == money.currency) {
            return Err(format!("{} is listed twice.", money.currency));
        }
        limits.push(money);
    }
    Ok(limits)
}

pub const DEFAULT_APPROVAL_LIMIT_MINOR: i64 = 5_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_currency_limits_are_read_as_typed() {
        let limits = parse_other_limits("EUR 45.00, gbp 40\nJPY 7000").unwrap();
        let shown: Vec<String> = limits.iter().map(|m| m.display()).collect();
        assert_eq!(shown, ["45.00 EUR", "40.00 GBP", "7000 JPY"]);
        assert!(parse_other_limits("").unwrap().is_empty());
    }

    #[test]
    fn malformed_or_repeated_limits_are_refused() {
        assert!(parse_other_limits("EUR").is_err());
        assert!(parse_other_limits("XAU 10").is_err());
        assert!(parse_other_limits("JPY 10.5").is_err());
        assert!(parse_other_limits("EUR 1, EUR 2").is_err());
    }

    #[test]
    fn stored_limits_read_back_and_malformed_ones_are_errors() {
        let rules = ApprovalRules {
            currency: "USD".into(),
            limits: vec![
                Money::parse("50", "USD").unwrap(),
                Money::parse("7000", "JPY").unwrap(),
            ],
            allow_self_approval: false,
        };
        let stored = rules.limits_to_store();
        assert_eq!(stored, "USD:5000,JPY:7000");
        assert_eq!(
            ApprovalRules::limits_from_store(&stored).unwrap(),
            rules.limits
        );
        assert!(ApprovalRules::limits_from_store("USD=5000").is_err());
        assert_eq!(rules.limit_in("JPY"), Some(7000));
        assert_eq!(rules.limit_in("EUR"), None);
        assert_eq!(rules.other_limits_text(), "JPY 7000");
    }
}

#[cfg(feature = "ssr")]
pub mod queries {
    use super::*;
    use crate::audit::{Actor, Entry};
    use crate::db::{now_ms, Db};
    use crate::error::AppError;
    use crate::incidents::Severity;
    use sqlx::Row;

    use crate::org_settings::{get, put};

    fn hours(value: Option<String>, default: [i64; 3]) -> [i64; 3] {
        let parsed: Vec<i64> = value
            .unwrap_or_default()
            .split(',')
            .filter_map(|h| h.trim().parse().ok())
            .collect();
        parsed.try_into().unwrap_or(default)
    }

    /// The approval rules; before any were saved, 50.00 in the organisation currency (USD).
    pub async fn approval_rules(db: &Db) -> Result<ApprovalRules, AppError> {
        let currency = crate::org::money::queries::currency(db).await?;
        let limits = match get(db, "approval_limits").await? {
            Some(text) => ApprovalRules::limits_from_store(&text)
                .map_err(|e| AppError::internal("stored setting", e))?,
            None => {
                let minor = match get(db, "approval_limit_minor").await? {
                    Some(v) => v
                        .parse()
                        .map_err(|e| AppError::internal("stored approval limit", e))?,
                    None => DEFAULT_APPROVAL_LIMIT_MINOR,
                };
                vec![Money {
                    minor,
                    currency: currency.clone(),
                }]
            }
        };
        let allow_self_approval = get(db, "approval_allow_self").await?.as_deref() == Some("1");
        Ok(ApprovalRules {
            currency,
            limits,
            allow_self_approval,
        })
    }

    pub async fn service_levels(db: &Db) -> Result<ServiceLevels, AppError> {
        let d = ServiceLevels::default();
        Ok(ServiceLevels {
            acknowledge_hours: hours(get(db, "sla_acknowledge_hours").await?, d.acknowledge_hours),
            resolve_hours: hours(get(db, "sla_resolve_hours").await?, d.resolve_hours),
        })
    }

    pub async fn categories(db: &Db, active_only: bool) -> Result<Vec<Category>, AppError> {
        let sql = if active_only {
            "SELECT id, name, default_severity, active FROM incident_categories WHERE active = 1 ORDER BY LOWER(name)"
        } else {
            "SELECT id, name, default_severity, active FROM incident_categories ORDER BY active DESC, LOWER(name)"
        };
        let rows = sqlx::query(sql).fetch_all(db).await?;
        rows.iter()
            .map(|r| {
                let sev: String = r.try_get("default_severity")?;
                let id: i64 = r.try_get("id")?;
                Ok(Category {
                    id,
                    name: r.try_get("name")?,
                    default_severity: Severity::decode(&sev, "incident_categories", id)?,
                    active: r.try_get::<i64, _>("active")? == 1,
                })
            })
            .collect()
    }

    pub async fn load(db: &Db) -> Result<IncidentSettings, AppError> {
        Ok(IncidentSettings {
            approvals: approval_rules(db).await?,
            service_levels: service_levels(db).await?,
            categories: categories(db, false).await?,
        })
    }

    pub async fn save(
        db: &Db,
        approvals: &ApprovalRules,
        levels: &ServiceLevels,
        actor: &Actor,
    ) -> Result<(), AppError> {
        let before = load(db).await?;
        let join = |h: &[i64; 3]| {
            h.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        let mut tx = crate::db::begin_write(db).await?;
        put(&mut *tx, "approval_limits", &approvals.limits_to_store()).await?;
        put(
            &mut *tx,
            "approval_allow_self",
            if approvals.allow_self_approval {
                "1"
            } else {
                "0"
            },
        )
        .await?;
        put(
            &mut *tx,
            "sla_acknowledge_hours",
            &join(&levels.acknowledge_hours),
        )
        .await?;
        put(&mut *tx, "sla_resolve_hours", &join(&levels.resolve_hours)).await?;
        let after = serde_json::json!({ "approvals": approvals, "service_levels": levels });
        let before = serde_json::json!({ "approvals": before.approvals, "service_levels": before.service_levels });
        Entry::new(actor, "incident_settings.update", "org_settings")
            .before(&before)
            .after(&after)
            .write(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds a category, or updates it when `id` is given.
    pub async fn save_category(
        db: &Db,
        id: Option<i64>,
        name: &str,
        severity: Severity,
        active: bool,
        actor: &Actor,
    ) -> Result<i64, AppError> {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > 60 {
            return Err(AppError::field(
                "name",
                "Name the category in up to 60 characters.",
            ));
        }
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT id FROM incident_categories WHERE LOWER(name) = LOWER($1)")
                .bind(&name)
                .fetch_optional(db)
                .await?;
        if taken.is_some_and(|t| Some(t) != id) {
            return Err(AppError::field(
                "name",
                "A category with this name exists already.",
            ));
        }
        let mut tx = crate::db::begin_write(db).await?;
        let id = match id {
            Some(id) => {
                let done = sqlx::query("UPDATE incident_categories SET name = $1, default_severity = $2, active = $3 WHERE id = $4")
                    .bind(&name)
                    .bind(severity.as_str())
                    .bind(active as i64)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(AppError::NotFound("That category".into()));
                }
                id
            }
            None => {
                sqlx::query_scalar(
                    "INSERT INTO incident_categories (name, default_severity, active, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(&name)
                .bind(severity.as_str())
                .bind(active as i64)
                .bind(now_ms())
                .fetch_one(&mut *tx)
                .await?
            }
        };
        let after =
            serde_json::json!({ "name": name, "default_severity": severity, "active": active });
        Entry::new(actor, "incident_category.save", "incident_category")
            .id(id)
            .after(&after)
            .write(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }
}
