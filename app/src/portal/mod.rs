//! The customer portal: a signed-in customer's own records, never anyone else's.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalOverview {
    pub name: String,
    pub email: String,
    pub referral_code: String,
    pub referral_link: String,
    pub customer_since: i64,
    /// Customers who joined with their referral code.
    pub referrals_brought: i64,
}

/// The signed-in customer's summary. The customer id comes from the session, never the request.
#[server(prefix = "/fn", endpoint = "portal/summary")]
pub async fn portal_summary() -> Result<PortalOverview, AppError> {
    crate::accounts::guard::as_customer(move |me| async move {
        let c = crate::customers::queries::find(&me.state.db, me.viewer.customer_id).await?;
        let base = me
            .state
            .settings
            .public_url
            .trim_end_matches('/')
            .to_string();
        let referrals_brought: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM referrals WHERE referrer_id = $1 AND converted = 1",
        )
        .bind(c.id)
        .fetch_one(&me.state.db)
        .await?;
        Ok(PortalOverview {
            referrals_brought,
            name: c.name,
            email: c.email.unwrap_or_default(),
            referral_link: format!("{base}/r/{}", c.referral_code),
            referral_code: c.referral_code,
            customer_since: crate::customers::queries::customer_since(
                &me.state.db,
                c.id,
                c.created_at,
            )
            .await?,
        })
    })
    .await
}

/// The signed-in customer rates how a resolved incident of theirs was put right (CSAT 1–5 and a
/// comment). It enters the feedback pipeline like any answer, so a lukewarm rating is followed
/// up. Another customer's incident is not found, whatever its id.
#[server(prefix = "/fn", endpoint = "portal/rate")]
pub async fn rate_recovery(incident: i64, score: String, comment: String) -> Result<i64, AppError> {
    crate::accounts::guard::as_customer(move |me| async move {
        use crate::feedback::queries::{create, NewFeedback};
        use crate::feedback::{Channel, ScoreType};
        let db = &me.state.db;
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM incidents WHERE id = $1 AND customer_id = $2")
                .bind(incident)
                .bind(me.viewer.customer_id)
                .fetch_optional(db)
                .await?;
        match status.as_deref() {
            None => return Err(AppError::NotFound("That incident".into())),
            Some("resolved") => {}
            Some(_) => {
                return Err(AppError::Conflict(
                    "You can rate this once we have put it right.".into(),
                ))
            }
        }
        let score = match score.trim().parse::<i64>() {
            Ok(s) if (1..=5).contains(&s) => s,
            _ => return Err(AppError::field("score", "Choose a rating from 1 to 5.")),
        };
        let comment = comment.trim().to_string();
        if comment.chars().count() > 2000 {
            return Err(AppError::field(
                "comment",
                "Keep it to 2000 characters or fewer.",
            ));
        }
        let key = format!("portal-rating-{}-{incident}", me.viewer.customer_id);
        let rated: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM feedback WHERE idempotency_key = $1")
                .bind(&key)
                .fetch_one(db)
                .await?;
        if rated > 0 {
            return Err(AppError::Conflict(
                "You have already rated this. Thank you!".into(),
            ));
        }
        let actor = crate::audit::Actor::customer(me.viewer.customer_id, &me.viewer.email);
        let new = NewFeedback {
            customer_id: me.viewer.customer_id,
            channel: Channel::Portal,
            score_type: ScoreType::Csat,
            score,
            comment,
            received_at: crate::db::now_ms(),
            incident_id: Some(incident),
            order_ref: None,
            survey_link_id: None,
            idempotency_key: Some(key),
        };
        // Two submissions at once both pass the check above; the unique key stops the second.
        let recorded = create(db, &new, &actor).await.map_err(|e| match e {
            AppError::Conflict(_) => {
                AppError::Conflict("You have already rated this. Thank you!".into())
            }
            e => e,
        })?;
        leptos_axum::redirect("/portal?flash=rated");
        Ok(recorded.id)
    })
    .await
}

pub mod pages {
    use super::portal_summary;
    use crate::components::flash::Flash;
    use crate::components::layout::LoadError;
    use crate::components::time::format_date;
    use leptos::prelude::*;

    /// What went wrong, what was done and what the customer was told, newest first.
    #[component]
    fn PortalIncidents() -> impl IntoView {
        use crate::incidents::api::portal_incidents;
        // Bumped when a rating is saved, so the list shows it without a reload.
        let incidents = Resource::new(|| (), |_| portal_incidents());
        view! {
            <section class="card">
                <h2>"What went wrong, and what we did"</h2>
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match incidents.await {
                            Err(e) => view! { <LoadError error=e/> }.into_any(),
                            Ok(list) if list.is_empty() => view! {
                                <p>"There is nothing to report: no service problems are on record for your account."</p>
                            }.into_any(),
                            Ok(list) => view! {
                                <ul class="portal-incidents">
                                    {list.into_iter().map(|i| view! {
                                        <li class="portal-incident" data-testid="portal-incident">
                                            <h3>{format!("{} · {}", i.category, format_date(i.occurred_at))}</h3>
                                            <p class="badges">
                                                <span class=format!("badge status-{}", i.status.as_str())>{i.status.label()}</span>
                                                {i.proactive.then(|| view! { " "<span class="badge proactive">"We noticed first"</span> })}
                                            </p>
                                            {i.subject_ref.clone().map(|s| view! { <p class="muted">{format!("About {s}")}</p> })}
                                            {(!i.actions.is_empty()).then(|| view! {
                                                <ul class="actions-list">
                                                    {i.actions.iter().map(|a| {
                                                        let amount = if a.amount.minor > 0 { format!(" {}", a.amount.display()) } else { String::new() };
                                                        let state = if a.pending { " (being arranged)" } else { "" };
                                                        view! { <li>{format!("{}{amount}{state}", a.kind.label())}</li> }
                                                    }).collect_view()}
                                                </ul>
                                            })}
                                            {(i.status == crate::incidents::Status::Resolved).then(|| view! { <RateRecovery incident=i.id rating=i.my_rating.clone()/> })}
                                            {i.notices.iter().map(|n| view! {
                                                <article class="notice">
                                                    <h4>{n.subject.clone()}</h4>
                                                    <p class="prewrap">{n.body.clone()}</p>
                                                    <p class="muted small">{format_date(n.created_at)}</p>
                                                </article>
                                            }).collect_view()}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        }
    }

    /// "How did we do putting it right?": a 1–5 rating with a comment, or the rating given.
    #[component]
    fn RateRecovery(incident: i64, rating: Option<(i64, String)>) -> impl IntoView {
        use crate::components::form::{error_of, FormAlert};
        let rate = ServerAction::<super::RateRecovery>::new();
        let error = error_of(rate.value());
        let score_error = move || error.get().and_then(|e| e.field_message("score"));
        match rating {
            Some((score, comment)) => view! {
                <p class="rated" data-testid="my-rating">
                    {format!("You rated how we put this right: {score} of 5")}
                    {(!comment.is_empty()).then(|| view! { <span class="quote">{format!(" — “{comment}”")}</span> })}
                </p>
            }.into_any(),
            None => view! {
                <ActionForm action=rate attr:class="form rate-form">
                    <FormAlert error=error/>
                    <input type="hidden" name="incident" value=incident/>
                    <fieldset class="scale scale-5" class:field-invalid=move || score_error().is_some()>
                        <legend>"How did we do putting it right?"</legend>
                        <div class="scale-options">
                            {(1..=5).map(|n| view! {
                                <label class="scale-option">
                                    <input type="radio" name="score" value=n.to_string() required/>
                                    <span>{n}</span>
                                </label>
                            }).collect_view()}
                        </div>
                        <div class="scale-ends" aria-hidden="true"><span>"1 = very poorly"</span><span>"5 = very well"</span></div>
                        {move || score_error().map(|m| view! { <p class="field-error">{m}</p> })}
                    </fieldset>
                    <div class="field">
                        <label for=format!("comment-{incident}")>"Anything you would like to tell us?"</label>
                        <textarea id=format!("comment-{incident}") name="comment" rows="3" maxlength="2000"></textarea>
                    </div>
                    <button class="button" type="submit" disabled=move || rate.pending().get()>
                        {move || if rate.pending().get() { "Sending…" } else { "Send my rating" }}
                    </button>
                </ActionForm>
            }.into_any(),
        }
    }

    #[component]
    pub fn PortalHome() -> impl IntoView {
        let summary = Resource::new(|| (), |_| portal_summary());
        view! {
            <Flash/>
            <Transition fallback=|| view! { <p class="loading">"Loading your account…"</p> }>
                {move || Suspend::new(async move {
                    match summary.await {
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                        Ok(s) => view! {
                            <h1 data-testid="portal-greeting">{format!("Welcome, {}", s.name)}</h1>
                            <p class="muted">{format!("Customer since {}", format_date(s.customer_since))}</p>
                            <PortalIncidents/>
                            <crate::stories::pages::home::PortalStories/>
                            <section class="card">
                                <h2>"Your referral link"</h2>
                                <p data-testid="referrals-brought">{match s.referrals_brought {
                                    0 => "Share it with friends: when they join with it, we will show it here.".to_string(),
                                    1 => "Your link has brought 1 person so far. Thank you!".to_string(),
                                    n => format!("Your link has brought {n} people so far. Thank you!"),
                                }}</p>
                                <p><code class="secret">{s.referral_link}</code></p>
                                <p class="muted">{format!("Referral code {}", s.referral_code)}</p>
                            </section>
                        }.into_any(),
                    }
                })}
            </Transition>
        }
    }
}
