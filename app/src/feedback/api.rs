//! Feedback, follow-up and survey server functions: authorize, parse, call the queries.
use super::questions::FollowUpSettings;
use super::{
    BadgeCounts, Feedback, FeedbackPage, FollowUpDetail, FollowUpQueue, FollowUpRow, ScoreType,
    SurveyLink,
};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::accounts::{guard::respond, Role};

#[cfg(feature = "ssr")]
async fn customer_id(db: &crate::db::Db, reference: &str) -> Result<i64, AppError> {
    Ok(
        crate::customers::queries::find_by_id_or_reference(db, reference)
            .await?
            .ok_or_else(|| {
                AppError::field(
                    "customer",
                    "No customer has that name, email or reference. Pick one from the suggestions.",
                )
            })?
            .id,
    )
}

/// The feedback list; filters as strings from the page URL ("" = any).
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn", endpoint = "feedback/list")]
pub async fn list_feedback(
    assessment: String,
    score_type: String,
    channel: String,
    customer: String,
    week: String,
    q: String,
    page: i64,
    #[server(default)] assignee: String,
    #[server(default)] team: String,
) -> Result<FeedbackPage, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let db = &staff.state.db;
        let filter = super::queries::FeedbackQuery {
            assessment,
            score_type,
            channel,
            customer,
            week,
            assignee,
            team,
            q,
            page: Some(page),
        }
        .filter(db)
        .await?;
        super::queries::page(db, &filter).await
    })
    .await
}

/// Saves feedback heard in person or by phone; goes to its follow-up when it needs one.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn", endpoint = "feedback/create")]
pub async fn create_feedback(
    customer: String,
    channel: String,
    score_type: String,
    score: String,
    comment: String,
    received_at: String,
    incident: String,
    order_ref: String,
) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let input = super::fields::FeedbackIn::from_form(
            &customer,
            &channel,
            &score_type,
            &score,
            &comment,
            &received_at,
            &incident,
            &order_ref,
            crate::db::now_ms(),
        )?;
        let db = &staff.state.db;
        let new = super::queries::NewFeedback {
            customer_id: customer_id(db, &input.customer).await?,
            channel: input.channel,
            score_type: input.score_type,
            score: input.score,
            comment: input.comment,
            received_at: input.received_at,
            incident_id: input.incident_id,
            order_ref: input.order_ref,
            survey_link_id: None,
            idempotency_key: None,
        };
        let recorded = super::queries::create(db, &new, &staff.actor()).await?;
        match recorded.follow_up {
            Some(f) => leptos_axum::redirect(&format!("/follow-ups/{f}?flash=follow-up-opened")),
            None => leptos_axum::redirect("/feedback?flash=feedback-saved"),
        }
        Ok(recorded.id)
    })
    .await
}

/// A customer's feedback and follow-ups, for their page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerFeedbackView {
    pub feedback: Vec<Feedback>,
    pub follow_ups: Vec<FollowUpRow>,
}

#[server(prefix = "/fn", endpoint = "feedback/customer")]
pub async fn customer_feedback(customer_id: i64) -> Result<CustomerFeedbackView, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let db = &staff.state.db;
        let filter = super::queries::FeedbackFilter {
            customer_id: Some(customer_id),
            page: 1,
            ..Default::default()
        };
        Ok(CustomerFeedbackView {
            feedback: super::queries::list(db, &filter).await?.0,
            follow_ups: super::follow_ups::for_customer(db, customer_id).await?,
        })
    })
    .await
}

/// A follow-up queue: "mine", "team", "overdue", "today", "closed" or "all" ("" = mine), with
/// the filters a report's figure opens it with (see [`super::queue::FollowUpQuery`]).
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/fn", endpoint = "follow-ups/list")]
pub async fn list_follow_ups(
    queue: String,
    page: i64,
    #[server(default)] closed_week: String,
    #[server(default)] overdue_week: String,
    #[server(default)] due: String,
    #[server(default)] outcome: String,
    #[server(default)] assessment: String,
    #[server(default)] reached: String,
    #[server(default)] assignee: String,
    #[server(default)] team: String,
) -> Result<FollowUpQueue, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        use super::queue::{FollowUpQuery, Looker, Queue};
        let db = &staff.state.db;
        let (queue, filter) = FollowUpQuery {
            queue,
            closed_week,
            overdue_week,
            due,
            outcome,
            assessment,
            reached,
            assignee,
            team,
            page: Some(page),
        }
        .read(db, Queue::Mine)
        .await?;
        let reach = crate::org::visibility::Reach::of(db, &staff.viewer).await?;
        let who = Looker {
            viewer: staff.viewer.id,
            reach,
        };
        super::queue::queue(db, queue, &filter, who, page).await
    })
    .await
}

/// The navigation badge's counts.
#[server(prefix = "/fn", endpoint = "follow-ups/counts")]
pub async fn follow_up_counts() -> Result<BadgeCounts, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let db = &staff.state.db;
        let reach = crate::org::visibility::Reach::of(db, &staff.viewer).await?;
        super::queue::badge(db, staff.viewer.id, reach).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "follow-ups/get")]
pub async fn get_follow_up(id: i64) -> Result<FollowUpDetail, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        super::follow_ups::detail(&staff.state.db, id).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "follow-ups/attempt")]
pub async fn log_attempt(
    id: i64,
    channel: String,
    at: String,
    reached: String,
    note: String,
) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let (channel, at, reached, note) =
            super::fields::parse_attempt(&channel, &at, &reached, &note, crate::db::now_ms())?;
        let attempt = super::follow_ups::NewAttempt {
            channel,
            at,
            reached,
            note,
        };
        super::follow_ups::log_attempt(&staff.state.db, id, &attempt, &staff.actor()).await?;
        leptos_axum::redirect(&format!("/follow-ups/{id}?flash=attempt-logged"));
        Ok(())
    })
    .await
}

#[server(prefix = "/fn", endpoint = "follow-ups/close")]
pub async fn close_follow_up(
    id: i64,
    outcome: String,
    customer_said: String,
    true_sentiment: String,
) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let (outcome, customer_said, true_sentiment) =
            super::fields::parse_closing(&outcome, &customer_said, &true_sentiment)?;
        let closing = super::follow_ups::Closing {
            outcome,
            customer_said,
            true_sentiment,
        };
        super::follow_ups::close(&staff.state.db, id, &closing, &staff.actor()).await?;
        leptos_axum::redirect(&format!("/follow-ups/{id}?flash=follow-up-closed"));
        Ok(())
    })
    .await
}

#[server(prefix = "/fn", endpoint = "follow-ups/assign")]
pub async fn assign_follow_up(id: i64, assignee_id: String) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let assignee: i64 = assignee_id
            .trim()
            .parse()
            .map_err(|_| AppError::field("assignee_id", "Choose who works this follow-up."))?;
        super::follow_ups::assign(&staff.state.db, id, assignee, &staff.actor()).await?;
        leptos_axum::redirect(&format!("/follow-ups/{id}?flash=assigned"));
        Ok(())
    })
    .await
}

#[server(prefix = "/fn", endpoint = "follow-ups/settings")]
pub async fn load_follow_up_settings() -> Result<FollowUpSettings, AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |manager| async move {
        super::questions::queries::load(&manager.state.db).await
    })
    .await
}

#[cfg(feature = "ssr")]
fn whole(value: &str, field: &str, min: i64, max: i64) -> Result<i64, crate::error::FieldError> {
    value
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|v| (min..=max).contains(v))
        .ok_or_else(|| {
            crate::error::FieldError::new(
                field,
                format!("Enter a whole number from {min} to {max}."),
            )
        })
}

#[server(prefix = "/fn", endpoint = "follow-ups/settings/save")]
pub async fn save_follow_up_levels(
    lukewarm_days: String,
    unhappy_days: String,
    unreachable_after: String,
    survey_days: String,
    #[server(default)] survey_after_resolve: String,
) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |manager| async move {
        let db = &manager.state.db;
        let checks = [
            whole(&lukewarm_days, "lukewarm_days", 1, 30),
            whole(&unhappy_days, "unhappy_days", 1, 30),
            whole(&unreachable_after, "unreachable_after", 1, 10),
            whole(&survey_days, "survey_days", 1, 90),
        ];
        let errors: Vec<_> = checks.iter().filter_map(|c| c.clone().err()).collect();
        if !errors.is_empty() {
            return Err(AppError::fields(errors));
        }
        let [l, u, r, s] = checks.map(|c| c.unwrap_or_default());
        let mut settings = super::questions::queries::load(db).await?;
        settings.lukewarm_days = l;
        settings.unhappy_days = u;
        settings.unreachable_after = r;
        settings.survey_days = s;
        settings.survey_after_resolve = survey_after_resolve == "on" || survey_after_resolve == "1";
        super::questions::queries::save(db, &settings, &manager.actor()).await?;
        leptos_axum::redirect("/follow-ups/settings?flash=saved");
        Ok(())
    })
    .await
}

/// Replaces one reason's probing questions: one per line.
#[server(prefix = "/fn", endpoint = "follow-ups/questions/save")]
pub async fn save_question_set(code: String, questions: String) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Manager, move |manager| async move {
        let db = &manager.state.db;
        if !super::questions::REASON_SETS
            .iter()
            .any(|(c, _)| *c == code)
        {
            return Err(AppError::Request(
                "There is no question set for that reason.".into(),
            ));
        }
        let list: Vec<String> = questions
            .lines()
            .map(|l| l.trim().trim_start_matches(['-', '•']).trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        if list.is_empty() || list.len() > 10 || list.iter().any(|q| q.chars().count() > 300) {
            return Err(AppError::field(
                "questions",
                "Write one to ten questions, one per line, each under 300 characters.",
            ));
        }
        let mut settings = super::questions::queries::load(db).await?;
        if let Some(set) = settings.questions.iter_mut().find(|(c, _)| *c == code) {
            set.1 = list;
        }
        super::questions::queries::save(db, &settings, &manager.actor()).await?;
        leptos_axum::redirect("/follow-ups/settings?flash=saved");
        Ok(())
    })
    .await
}

/// The survey links page: recent links and, right after creating one, its address.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurveysView {
    pub links: Vec<SurveyLink>,
    pub revealed_link: Option<String>,
}

#[cfg(feature = "ssr")]
const REVEAL_PREFIX: &str = "svy_";

#[server(prefix = "/fn", endpoint = "surveys/list")]
pub async fn list_survey_links() -> Result<SurveysView, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let base = staff
            .state
            .settings
            .public_url
            .trim_end_matches('/')
            .to_string();
        let revealed_link =
            crate::accounts::reveal::take(("/feedback/surveys", "/fn/surveys/list"))
                .and_then(|s| s.strip_prefix(REVEAL_PREFIX).map(str::to_string))
                .map(|token| format!("{base}/s/{token}"));
        Ok(SurveysView {
            links: super::surveys::recent(&staff.state.db, 50).await?,
            revealed_link,
        })
    })
    .await
}

/// Creates a survey link for a customer, optionally tied to one of their incidents, and
/// emails it to them when asked.
#[server(prefix = "/fn", endpoint = "surveys/create")]
pub async fn create_survey_link(
    customer: String,
    score_type: String,
    incident: String,
    #[server(default)] send_email: String,
) -> Result<i64, AppError> {
    crate::accounts::guard::as_staff(Role::Associate, move |staff| async move {
        let db = &staff.state.db;
        let kind = ScoreType::parse(&score_type)
            .ok_or_else(|| AppError::field("score_type", "Choose the question to ask."))?;
        let customer =
            crate::customers::queries::find(db, customer_id(db, &customer).await?).await?;
        let incident_id = match incident.trim().trim_start_matches('#') {
            "" => None,
            v => {
                let id: i64 = v.parse().map_err(|_| {
                    AppError::field("incident", "Enter the incident's number, e.g. 42.")
                })?;
                let owner: Option<i64> =
                    sqlx::query_scalar("SELECT customer_id FROM incidents WHERE id = $1")
                        .bind(id)
                        .fetch_optional(db)
                        .await?;
                if owner != Some(customer.id) {
                    return Err(AppError::field(
                        "incident",
                        "That incident is not one of this customer's.",
                    ));
                }
                Some(id)
            }
        };
        let email = match (send_email.as_str(), &customer.email) {
            ("on" | "1", Some(e)) => Some((e.as_str(), customer.name.as_str())),
            ("on" | "1", None) => {
                return Err(AppError::field(
                    "send_email",
                    "This customer has no email address; copy the link instead.",
                ))
            }
            _ => None,
        };
        let days = super::questions::queries::load(db).await?.survey_days;
        let mut tx = crate::db::begin_write(db).await?;
        let (id, token) = super::surveys::insert(
            &mut tx,
            customer.id,
            incident_id,
            kind,
            days,
            email,
            &staff.state.settings.public_url,
            &staff.actor(),
        )
        .await?;
        tx.commit().await?;
        crate::accounts::reveal::set(
            &format!("{REVEAL_PREFIX}{token}"),
            ("/feedback/surveys", "/fn/surveys/list"),
        );
        leptos_axum::redirect("/feedback/surveys?flash=survey-created");
        Ok(id)
    })
    .await
}

/// What the public survey page shows; nothing about the customer beyond a first name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PublicSurvey {
    Open {
        first_name: String,
        score_type: ScoreType,
    },
    Answered,
    Expired,
    Unknown,
}

/// Reads a survey link. Records nothing, so mail scanners that open links change nothing.
#[server(prefix = "/fn", endpoint = "surveys/open")]
pub async fn open_survey(token: String) -> Result<PublicSurvey, AppError> {
    use super::LinkState;
    respond(
        async {
            let state = crate::state::AppState::get()?;
            Ok(match super::surveys::state(&state.db, &token).await? {
                LinkState::Open {
                    first_name,
                    score_type,
                    ..
                } => PublicSurvey::Open {
                    first_name,
                    score_type,
                },
                LinkState::Answered => PublicSurvey::Answered,
                LinkState::Expired => PublicSurvey::Expired,
                LinkState::Unknown => PublicSurvey::Unknown,
            })
        }
        .await,
    )
}

/// Submits a survey answer (no account needed). Limited per client address.
#[server(prefix = "/fn", endpoint = "surveys/answer")]
pub async fn answer_survey(
    token: String,
    #[server(default)] score: String,
    comment: String,
) -> Result<(), AppError> {
    respond(
        async {
            use crate::audit::{count_since, Entry, Scope};
            let state = crate::state::AppState::get()?;
            let ctx = crate::accounts::guard::request_context();
            let actor = crate::audit::Actor::anonymous(&format!("survey link ({})", ctx.ip));
            let window = crate::db::now_ms() - 15 * 60_000;
            if count_since(&state.db, "survey.submit", window, Scope::Ip(&ctx.ip)).await? >= 20 {
                return Err(AppError::TooManyRequests(
                    "Too many answers from this address. Please try again in a few minutes.".into(),
                ));
            }
            Entry::new(&actor, "survey.submit", "survey_link")
                .ip(&ctx.ip)
                .write(&state.db)
                .await?;
            let score: i64 = score
                .trim()
                .parse()
                .map_err(|_| AppError::field("score", "Choose a score."))?;
            super::surveys::answer(&state.db, &token, score, &comment, &actor).await?;
            leptos_axum::redirect(&format!("/s/{}", crate::url_encoding::encode(token.trim())));
            Ok(())
        }
        .await,
    )
}
