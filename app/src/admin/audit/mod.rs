//! The audit log as people read it: every entry with who, when, what, the record it touched
//! (linked to its page), the record before and after, the client address and the request id;
//! narrowed by person, action, record type, record id and dates, newest first, one page at a
//! time through a cursor. The admin page, the CSV export and `GET /api/v1/audit` all read here.
#[cfg(feature = "ssr")]
pub mod filter;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod queries;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One audit entry with the record it touched.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// When, in milliseconds since the Unix epoch.
    pub at: i64,
    /// `staff`, `customer`, `api_token`, `system` or `anonymous`.
    pub actor_kind: String,
    /// The staff, customer or token id, when the actor has one.
    pub actor_id: Option<i64>,
    /// The actor as they were known then: an email, a token's name, a client address.
    pub actor_label: String,
    /// What was done, e.g. `incident.opened`, `signin.failure`.
    pub action: String,
    /// The type of record touched, e.g. `incident`, `customer`, `story`.
    pub entity: String,
    /// The id of the record touched, when there is one.
    pub entity_id: Option<String>,
    /// For customer records, the customer's external reference.
    pub external_ref: Option<String>,
    /// The record before the change, as JSON.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    /// The record after the change, as JSON.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
    /// The client's address.
    pub ip: Option<String>,
    /// The id of the request that made the change (the `x-request-id` of its response).
    pub request_id: Option<String>,
}

/// One page of the audit log for the admin page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditView {
    pub entries: Vec<AuditEntry>,
    /// The cursor of the next (older) page, if there is one.
    pub next: Option<String>,
    /// Staff people to narrow by: (id, name).
    pub people: Vec<(i64, String)>,
}

/// The record types the log names, with a label each, for the filter.
pub const RECORD_TYPES: [(&str, &str); 17] = [
    ("incident", "Incident"),
    ("customer", "Customer"),
    ("story", "Story"),
    ("feedback", "Feedback"),
    ("follow_up", "Follow-up"),
    ("order", "Order"),
    ("referral", "Referral"),
    ("advocacy_event", "Advocacy event"),
    ("signal_batch", "Signal batch"),
    ("detection_rule", "Detection rule"),
    ("incident_category", "Incident category"),
    ("staff_user", "Staff account"),
    ("account", "Sign-in account"),
    ("api_token", "API token"),
    ("team", "Team"),
    ("org_settings", "Organisation setting"),
    ("path", "Page or API path"),
];

/// The page of the record an entry touched, where it has one.
pub fn record_link(entity: &str, entity_id: Option<&str>) -> Option<String> {
    let id = entity_id.and_then(|id| id.parse::<i64>().ok());
    match (entity, id) {
        ("incident", Some(id)) => Some(format!("/incidents/{id}")),
        ("customer", Some(id)) => Some(format!("/customers/{id}")),
        ("story", Some(id)) => Some(format!("/stories/{id}")),
        ("follow_up", Some(id)) => Some(format!("/follow-ups/{id}")),
        ("detection_rule", Some(id)) => Some(format!("/incidents/rules/{id}")),
        ("import", Some(id)) => Some(format!("/customers/import/{id}")),
        ("incident_category", _) => Some("/incidents/settings".into()),
        ("staff_user", _) => Some("/admin/users".into()),
        ("api_token", _) => Some("/admin/tokens".into()),
        ("team" | "org_settings", _) => Some("/admin/organisation".into()),
        _ => None,
    }
}

/// One field that a change set, cleared or altered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The field's name; empty when the values are not objects and are compared whole.
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// What changed between `before` and `after`: for two objects, each field whose value differs,
/// by name; for one object, each of its fields; otherwise the two values whole.
pub fn changes(
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Vec<Change> {
    use serde_json::Value;
    let show = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match (before, after) {
        (None, None) => Vec::new(),
        (Some(Value::Object(old)), Some(Value::Object(new))) => {
            let fields: std::collections::BTreeSet<&String> =
                old.keys().chain(new.keys()).collect();
            fields
                .into_iter()
                .filter(|k| old.get(*k) != new.get(*k))
                .map(|k| Change {
                    field: k.clone(),
                    before: old.get(k).map(show),
                    after: new.get(k).map(show),
                })
                .collect()
        }
        (Some(Value::Object(map)), None) | (None, Some(Value::Object(map))) => {
            let created = before.is_none();
            map.iter()
                .map(|(k, v)| Change {
                    field: k.clone(),
                    before: (!created).then(|| show(v)),
                    after: created.then(|| show(v)),
                })
                .collect()
        }
        (b, a) if b == a => Vec::new(),
        (b, a) => vec![Change {
            field: String::new(),
            before: b.map(show),
            after: a.map(show),
        }],
    }
}

/// One page of the audit log, newest first, narrowed by the filters (each blank for any).
#[server(prefix = "/fn", endpoint = "admin/audit")]
pub async fn audit_log(
    #[server(default)] actor: String,
    #[server(default)] action: String,
    #[server(default)] entity: String,
    #[server(default)] entity_id: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] cursor: String,
) -> Result<AuditView, AppError> {
    use crate::accounts::Role;
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let db = &admin.state.db;
        let tz = crate::org::clock::time_zone(db).await?;
        let filter = filter::AuditFilter::parse(
            &filter::FilterInput {
                actor: &actor,
                action: &action,
                entity: &entity,
                entity_id: &entity_id,
                from: &from,
                to: &to,
                cursor: &cursor,
                limit: "",
            },
            tz,
        )?;
        let (entries, next) = queries::page(db, &filter).await?;
        Ok(AuditView {
            entries,
            next,
            people: queries::people(db).await?,
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn records_link_to_their_pages_where_they_have_one() {
        assert_eq!(
            record_link("incident", Some("12")).as_deref(),
            Some("/incidents/12")
        );
        assert_eq!(
            record_link("customer", Some("3")).as_deref(),
            Some("/customers/3")
        );
        assert_eq!(
            record_link("follow_up", Some("9")).as_deref(),
            Some("/follow-ups/9")
        );
        assert_eq!(record_link("incident", Some("not-a-number")), None);
        assert_eq!(record_link("account", Some("a@example.com")), None);
        assert_eq!(
            record_link("team", None).as_deref(),
            Some("/admin/organisation")
        );
    }

    #[test]
    fn a_change_between_two_objects_lists_only_the_fields_that_differ() {
        let before = json!({"status": "open", "severity": "minor", "note": "x"});
        let after = json!({"status": "resolved", "severity": "minor", "cost": 4});
        let found = changes(Some(&before), Some(&after));
        assert_eq!(
            found,
            vec![
                Change {
                    field: "cost".into(),
                    before: None,
                    after: Some("4".into())
                },
                Change {
                    field: "note".into(),
                    before: Some("x".into()),
                    after: None
                },
                Change {
                    field: "status".into(),
                    before: Some("open".into()),
                    after: Some("resolved".into())
                },
            ]
        );
    }

    #[test]
    fn values_that_are_not_objects_are_compared_whole() {
        let found = changes(Some(&json!("UTC")), Some(&json!("Europe/Paris")));
        assert_eq!(
            found,
            vec![Change {
                field: String::new(),
                before: Some("UTC".into()),
                after: Some("Europe/Paris".into())
            }]
        );
        assert!(changes(Some(&json!(1)), Some(&json!(1))).is_empty());
        assert!(changes(None, None).is_empty());
    }

    #[test]
    fn a_created_record_shows_each_field_as_set() {
        let found = changes(None, Some(&json!({"name": "Ada"})));
        assert_eq!(found[0].field, "name");
        assert_eq!(found[0].before, None);
        assert_eq!(found[0].after.as_deref(), Some("Ada"));
    }
}
