//! How long the organisation keeps what piles up over time: audit entries, service signals,
//! delivered webhook attempts and delivered emails, each a number of days an admin sets on the
//! organisation page. The daily retention job deletes what is older.
use crate::components::form::{error_of, FormAlert, TextField};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Days each kind of record is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    pub audit_days: i64,
    pub signals_days: i64,
    pub webhook_days: i64,
    pub email_days: i64,
}

/// The longest anything can be kept for: ten years.
pub const MAX_DAYS: i64 = 3650;

/// Each setting: its form field, its key in the settings table and its default.
const FIELDS: [(&str, &str, i64); 4] = [
    ("audit_days", "retention.audit_days", 730),
    ("signals_days", "retention.signals_days", 730),
    ("webhook_days", "retention.webhook_days", 30),
    ("email_days", "retention.email_days", 365),
];

impl Default for Retention {
    fn default() -> Self {
        Self::from_days([FIELDS[0].2, FIELDS[1].2, FIELDS[2].2, FIELDS[3].2])
    }
}

impl Retention {
    fn from_days([audit_days, signals_days, webhook_days, email_days]: [i64; 4]) -> Self {
        Self {
            audit_days,
            signals_days,
            webhook_days,
            email_days,
        }
    }

    /// The four settings in the order of the form: audit, signals, webhooks, emails.
    pub fn days(&self) -> [i64; 4] {
        [
            self.audit_days,
            self.signals_days,
            self.webhook_days,
            self.email_days,
        ]
    }

    /// Reads the four numbers of days as the form sends them; each is 1 to [`MAX_DAYS`].
    pub fn parse(values: [&str; 4]) -> Result<Self, AppError> {
        let mut days = [0; 4];
        let mut problems = Vec::new();
        for (i, ((field, _, _), value)) in FIELDS.iter().zip(values).enumerate() {
            match value.trim().parse::<i64>() {
                Ok(d) if (1..=MAX_DAYS).contains(&d) => days[i] = d,
                _ => problems.push(crate::error::FieldError::new(
                    field,
                    format!("A number of days from 1 to {MAX_DAYS}."),
                )),
            }
        }
        if problems.is_empty() {
            Ok(Self::from_days(days))
        } else {
            Err(AppError::fields(problems))
        }
    }
}

#[cfg(feature = "ssr")]
pub mod store {
    use super::{Retention, FIELDS};
    use crate::error::AppError;

    /// The settings, each at its default until an admin changes it. A stored value that is not
    /// a number of days is an error, never quietly replaced by the default.
    pub async fn load<'e, E>(db: E) -> Result<Retention, AppError>
    where
        E: sqlx::Executor<'e, Database = sqlx::Any>,
    {
        let mut q = crate::db::Sql::new("SELECT key, value FROM org_settings WHERE key IN ");
        q.list(FIELDS.map(|(_, key, _)| key));
        let stored: Vec<(String, String)> = q.query_as().fetch_all(db).await?;
        let mut days = [0; 4];
        for (i, (_, key, default)) in FIELDS.iter().enumerate() {
            days[i] = match stored.iter().find(|(k, _)| k == key) {
                None => *default,
                Some((_, v)) => v.parse::<i64>().ok().filter(|d| *d >= 1).ok_or_else(|| {
                    AppError::internal("stored retention setting", format!("{key} = {v:?}"))
                })?,
            };
        }
        Ok(Retention::from_days(days))
    }

    pub async fn save(tx: &mut crate::db::Tx, r: &Retention) -> Result<(), AppError> {
        for ((_, key, _), days) in FIELDS.iter().zip(r.days()) {
            crate::org_settings::put(&mut **tx, key, &days.to_string()).await?;
        }
        Ok(())
    }
}

#[server(prefix = "/fn", endpoint = "org/retention")]
pub async fn load_retention() -> Result<Retention, AppError> {
    use crate::accounts::Role;
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        store::load(&admin.state.db).await
    })
    .await
}

/// Sets how long each kind of record is kept; the change is audited with both values.
#[server(prefix = "/fn", endpoint = "org/retention/save")]
pub async fn save_retention(
    audit_days: String,
    signals_days: String,
    webhook_days: String,
    email_days: String,
) -> Result<(), AppError> {
    use crate::accounts::Role;
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let wanted = Retention::parse([&audit_days, &signals_days, &webhook_days, &email_days])?;
        let mut tx = crate::db::begin_write(&admin.state.db).await?;
        let before = store::load(&mut *tx).await?;
        store::save(&mut tx, &wanted).await?;
        crate::audit::Entry::new(&admin.actor(), "org.retention", "org_settings")
            .id("retention")
            .before(&before)
            .after(&wanted)
            .write(&mut *tx)
            .await?;
        tx.commit().await?;
        leptos_axum::redirect("/admin/organisation?flash=saved");
        Ok(())
    })
    .await
}

/// The retention form on the organisation page.
#[component]
pub fn RetentionSection() -> impl IntoView {
    let save = ServerAction::<SaveRetention>::new();
    let current = Resource::new(move || save.version().get(), |_| load_retention());
    let error = error_of(save.value());
    view! {
        <section class="card">
            <h2>"Retention"</h2>
            <p class="hint">"How long records are kept. Every hour, older ones are deleted in small batches."</p>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Err(e) => view! { <crate::components::layout::LoadError error=e/> }.into_any(),
                        Ok(r) => view! {
                            <ActionForm action=save attr:class="form">
                                <FormAlert error=error/>
                                <TextField label="Audit log entries: days" name="audit_days" kind="number" value=r.audit_days.to_string()
                                    hint="Default 730 (two years)." error=error/>
                                <TextField label="Service signals: days" name="signals_days" kind="number" value=r.signals_days.to_string()
                                    hint="Counted from when each signal arrived. Default 730." error=error/>
                                <TextField label="Delivered webhook attempts: days" name="webhook_days" kind="number" value=r.webhook_days.to_string()
                                    hint="Only deliveries that succeeded; pending and failed ones stay. Default 30." error=error/>
                                <TextField label="Sent emails: days" name="email_days" kind="number" value=r.email_days.to_string()
                                    hint="Only emails delivered; queued and failed ones stay. Default 365." error=error/>
                                <div class="form-actions"><button class="button" type="submit">"Save retention"</button></div>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_default_the_audit_log_is_kept_two_years() {
        assert_eq!(Retention::default().audit_days, 730);
    }

    #[test]
    fn each_setting_is_a_number_of_days_within_ten_years() {
        let r = Retention::parse(["365", "30", "7", "90"]).unwrap();
        assert_eq!(r.days(), [365, 30, 7, 90]);
        let err = Retention::parse(["0", "x", "3651", " 12 "]).unwrap_err();
        match err {
            AppError::Validation { fields, .. } => {
                let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
                assert_eq!(names, ["audit_days", "signals_days", "webhook_days"]);
            }
            other => panic!("{other:?}"),
        }
    }
}
