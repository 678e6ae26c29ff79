//! When the weekly report is emailed to managers: a day of the week and an hour in the
//! organisation's time zone, or never. Set by admins on the organisation page.
use crate::components::form::{error_of, FormAlert};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The weekly email's schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyEmail {
    /// ISO day of the week, 1 (Monday) to 7 (Sunday); `None`: not emailed.
    pub day: Option<u32>,
    /// Hour of the day, 0 to 23, in the organisation's time zone.
    pub hour: u32,
}

impl Default for WeeklyEmail {
    /// Monday at 08:00: ready for the Monday-morning review.
    fn default() -> Self {
        Self {
            day: Some(1),
            hour: 8,
        }
    }
}

pub const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

impl WeeklyEmail {
    /// Reads the form's `day` ("" = never, else 1–7) and `hour` (0–23).
    pub fn parse(day: &str, hour: &str) -> Result<Self, AppError> {
        let day = match day.trim() {
            "" => None,
            d => match d.parse::<u32>() {
                Ok(n) if (1..=7).contains(&n) => Some(n),
                _ => {
                    return Err(AppError::field(
                        "day",
                        "Choose a day of the week, or never.",
                    ))
                }
            },
        };
        let hour = match hour.trim().parse::<u32>() {
            Ok(h) if h < 24 => h,
            _ => return Err(AppError::field("hour", "Choose an hour from 0 to 23.")),
        };
        Ok(Self { day, hour })
    }

    /// Stored form: "<day>:<hour>", the day empty for never.
    pub fn to_store(self) -> String {
        format!(
            "{}:{}",
            self.day.map(|d| d.to_string()).unwrap_or_default(),
            self.hour
        )
    }

    /// Reads the stored form back; anything else is an error.
    pub fn from_store(text: &str) -> Result<Self, String> {
        let (day, hour) = text
            .split_once(':')
            .ok_or_else(|| format!("weekly email schedule '{text}'"))?;
        Self::parse(day, hour).map_err(|_| format!("weekly email schedule '{text}'"))
    }

    /// Whether `day` (1–7) at `hour` is this schedule's time or later on the same day.
    pub fn is_due(self, day: u32, hour: u32) -> bool {
        self.day == Some(day) && hour >= self.hour
    }
}

#[cfg(feature = "ssr")]
pub mod queries {
    use super::WeeklyEmail;
    use crate::error::AppError;

    pub const KEY: &str = "weekly_email";

    /// The schedule; before an admin chose one, [`WeeklyEmail::default`].
    pub async fn load<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
        db: E,
    ) -> Result<WeeklyEmail, AppError> {
        match crate::org_settings::get(db, KEY).await? {
            None => Ok(WeeklyEmail::default()),
            Some(text) => {
                WeeklyEmail::from_store(&text).map_err(|e| AppError::internal("stored setting", e))
            }
        }
    }
}

#[server(prefix = "/fn", endpoint = "org/weekly-email")]
pub async fn load_weekly_email() -> Result<WeeklyEmail, AppError> {
    use crate::accounts::Role;
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        queries::load(&admin.state.db).await
    })
    .await
}

/// Sets when the weekly report is emailed to managers.
#[server(prefix = "/fn", endpoint = "org/weekly-email/save")]
pub async fn save_weekly_email(
    #[server(default)] day: String,
    #[server(default)] hour: String,
) -> Result<(), AppError> {
    use crate::accounts::Role;
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let schedule = WeeklyEmail::parse(&day, &hour)?;
        let db = &admin.state.db;
        let before = queries::load(db).await?;
        let mut tx = crate::db::begin_write(db).await?;
        crate::org_settings::put(&mut *tx, queries::KEY, &schedule.to_store()).await?;
        crate::audit::Entry::new(&admin.actor(), "org.weekly_email", "org_settings")
            .before(&before.to_store())
            .after(&schedule.to_store())
            .write(&mut *tx)
            .await?;
        tx.commit().await?;
        leptos_axum::redirect("/admin/organisation?flash=saved");
        Ok(())
    })
    .await
}

/// The organisation page's section for the weekly email.
#[component]
pub fn WeeklyEmailSection() -> impl IntoView {
    let save = ServerAction::<SaveWeeklyEmail>::new();
    let data = Resource::new(move || save.version().get(), |_| load_weekly_email());
    let error = error_of(save.value());
    view! {
        <section class="card">
            <h2>"Weekly report email"</h2>
            <p class="hint">"Managers and admins get the last complete week's headline figures by email, with a link to the full report, at this time in the organisation's time zone. Each person may switch it off in their notification settings."</p>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    data.await.map(|s| view! {
                        <ActionForm action=save attr:class="form">
                            <FormAlert error=error/>
                            <div class="field-row">
                                <div class="field">
                                    <label for="f-weekly-day">"Day"</label>
                                    <select id="f-weekly-day" name="day">
                                        <option value="" selected=s.day.is_none()>"Never"</option>
                                        {DAYS.iter().enumerate().map(|(i, name)| {
                                            let n = i as u32 + 1;
                                            view! { <option value=n selected=s.day == Some(n)>{*name}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="f-weekly-hour">"Hour"</label>
                                    <select id="f-weekly-hour" name="hour">
                                        {(0..24u32).map(|h| view! { <option value=h selected=s.hour == h>{format!("{h:02}:00")}</option> }).collect_view()}
                                    </select>
                                </div>
                            </div>
                            <div class="form-actions"><button class="button" type="submit">"Save schedule"</button></div>
                        </ActionForm>
                    })
                })}
            </Transition>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_read_back_and_bad_ones_are_refused() {
        let s = WeeklyEmail::parse("3", "17").unwrap();
        assert_eq!(
            s,
            WeeklyEmail {
                day: Some(3),
                hour: 17
            }
        );
        assert_eq!(WeeklyEmail::from_store(&s.to_store()).unwrap(), s);
        let never = WeeklyEmail::parse("", "8").unwrap();
        assert_eq!(WeeklyEmail::from_store(&never.to_store()).unwrap(), never);
        assert!(WeeklyEmail::parse("8", "1").is_err());
        assert!(WeeklyEmail::parse("1", "24").is_err());
        assert!(WeeklyEmail::from_store("garbage").is_err());
    }

    #[test]
    fn the_email_is_due_from_its_hour_on_its_day_only() {
        let s = WeeklyEmail {
            day: Some(1),
            hour: 8,
        };
        assert!(!s.is_due(1, 7));
        assert!(s.is_due(1, 8) && s.is_due(1, 23));
        assert!(!s.is_due(2, 9));
        assert!(!WeeklyEmail { day: None, hour: 0 }.is_due(1, 8));
    }
}
