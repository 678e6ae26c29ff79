//! The dashboard: the first figures a manager looks at on Monday morning, each linking to the
//! records behind it. The weekly report fills the rest as its capability lands.
use crate::components::flash::Flash;
use crate::components::layout::{use_viewer, LoadError};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Counts of what needs attention now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attention {
    pub open: i64,
    pub recovering: i64,
    pub overdue: i64,
    pub mine: i64,
    pub pending_approvals: i64,
    pub proactive_this_week: i64,
    pub incidents_this_week: i64,
    pub week: String,
    pub follow_ups_overdue: i64,
    pub follow_ups_mine: i64,
    /// The organisation's feedback and story figures of the week: for managers and admins, and
    /// for associates when an admin opened the reports to them.
    pub organisation: Option<OrganisationWeek>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrganisationWeek {
    pub feedback: crate::feedback::figures::FeedbackFigures,
    pub stories: crate::stories::StoryFigures,
}

#[server(prefix = "/fn", endpoint = "dashboard/attention")]
pub async fn load_attention() -> Result<Attention, AppError> {
    use crate::accounts::{
        guard::{require_staff, respond},
        Role,
    };
    respond(async {
        let staff = require_staff(Role::Associate).await?;
        let db = &staff.state.db;
        let viewer = staff.viewer.id;
        let now = crate::db::now_ms();
        let tz = crate::org::clock::time_zone(db).await?;
        let monday = crate::org::clock::monday_of(tz, now);
        let this_week = crate::common::moment::week_label(monday);
        let range = crate::org::clock::week_range(tz, monday);
        // The figures are independent reads, each on its own pooled connection.
        let pending = async {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM recovery_actions WHERE status = 'pending'")
                .fetch_one(db)
                .await
                .map_err(AppError::from)
        };
        let reach_and_follow_ups = async {
            let reach = crate::org::visibility::Reach::of(db, &staff.viewer).await?;
            let follow_ups = crate::feedback::queue::mine_and_overdue(db, viewer, reach);
            let organisation = async {
                if !reach.sees_organisation() {
                    return Ok(None);
                }
                let (feedback, stories) = crate::reports::this_week::organisation_week(db, tz, monday, now).await?;
                Ok::<_, AppError>(Some(OrganisationWeek { feedback, stories }))
            };
            tokio::try_join!(follow_ups, organisation)
        };
        let (pending, work, (detected, proactive), (follow_ups, organisation)) = tokio::try_join!(
            pending,
            crate::incidents::queries::open_work(db, viewer),
            crate::incidents::queries::detected_between(db, range),
            reach_and_follow_ups,
        )?;
        Ok(Attention {
            open: work.open,
            recovering: work.recovering,
            overdue: work.overdue,
            mine: work.mine,
            pending_approvals: pending,
            proactive_this_week: proactive,
            incidents_this_week: detected,
            week: this_week,
            follow_ups_overdue: follow_ups.1,
            follow_ups_mine: follow_ups.0,
            organisation,
        })
    }.await)
}

/// A figure as shown: a count, a percentage, or "—" when there is nothing to measure.
struct Shown(String);

impl From<i64> for Shown {
    fn from(v: i64) -> Self {
        Self(v.to_string())
    }
}

impl From<String> for Shown {
    fn from(v: String) -> Self {
        Self(v)
    }
}

fn percent(v: Option<f64>) -> String {
    v.map(|p| format!("{p:.0}%")).unwrap_or_else(|| "—".into())
}

#[component]
fn Figure(
    label: &'static str,
    #[prop(into)] value: Shown,
    href: String,
    #[prop(optional)] alert: bool,
) -> impl IntoView {
    let flagged = alert && value.0 != "0";
    let value = value.0;
    view! {
        <a class="figure card card-link" class:figure-alert=flagged href=href>
            <span class="figure-value">{value}</span>
            <span class="figure-label">{label}</span>
        </a>
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let viewer = use_viewer();
    let greeting = move || {
        crate::components::layout::signed_in(viewer)
            .map(|v| format!("Hello, {}", v.name().split(' ').next().unwrap_or_default()))
            .unwrap_or_else(|| "Hello".into())
    };
    let my_id = move || {
        crate::components::layout::signed_in(viewer)
            .and_then(|v| v.staff().map(|s| s.id))
            .unwrap_or(0)
    };
    let figures = Resource::new(|| (), |_| load_attention());
    view! {
        <div class="page-header">
            <Transition fallback=|| view! { <h1>"Hello"</h1> }>
                <h1 data-testid="greeting">{greeting}</h1>
            </Transition>
            <div class="page-actions"><a class="button button-quiet" href="/reports/weekly">"Weekly report"</a></div>
        </div>
        <Flash/>
        <crate::stories::pages::home::MyStoriesCard/>
        <Transition fallback=|| view! { <p class="loading">"Loading figures…"</p> }>
            {move || Suspend::new(async move {
                match figures.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(a) => {
                        let share = if a.incidents_this_week > 0 { a.proactive_this_week * 100 / a.incidents_this_week } else { 0 };
                        let week = a.week.clone();
                        view! {
                            <h2>"Needs attention"</h2>
                            <div class="figures">
                                <Figure label="Overdue incidents" value=a.overdue href="/incidents?overdue=true".into() alert=true/>
                                <Figure label="Open, not yet picked up" value=a.open href="/incidents?status=open".into()/>
                                <Figure label="Being recovered" value=a.recovering href="/incidents?status=recovering".into()/>
                                <Figure label="Assigned to you, unresolved" value=a.mine href=format!("/incidents?assignee={}", my_id())/>
                                <Figure label="Refunds waiting for approval" value=a.pending_approvals href="/incidents/approvals".into() alert=true/>
                                <Figure label="Follow-ups overdue" value=a.follow_ups_overdue href="/follow-ups?queue=overdue".into() alert=true/>
                                <Figure label="Follow-ups assigned to you" value=a.follow_ups_mine href="/follow-ups?queue=mine".into()/>
                            </div>
                            <h2>{format!("This week ({})", a.week)}</h2>
                            <div class="figures">
                                <Figure label="Incidents detected" value=a.incidents_this_week href=format!("/incidents?week={}", a.week)/>
                                <Figure label="Detected before a complaint" value=a.proactive_this_week href=format!("/incidents?week={}&proactive=true", a.week)/>
                            </div>
                            <p class="muted">{format!("{share}% of this week's incidents were caught before the customer complained.")}</p>
                            {match a.organisation.clone() {
                                Some(o) => view! { <OrganisationFigures week=week.clone() figures=o/> }.into_any(),
                                None => view! {
                                    <p class="muted" data-testid="organisation-figures-closed">"Feedback and story figures for the whole organisation are shared with managers. Your own are on your weekly report."</p>
                                }.into_any(),
                            }}
                        }.into_any()
                    }
                }
            })}
        </Transition>
        <RisingThemesCard/>
        <crate::stories::pages::home::SpotlightCard/>
    }
}

/// Themes rising over the last seven days, for managers.
#[component]
fn RisingThemesCard() -> impl IntoView {
    view! { <crate::themes::pages::RisingThemesCard from=String::new() to=String::new() team=String::new()/> }
}

/// The organisation's feedback and story figures of the week, each linking to its records.
#[component]
fn OrganisationFigures(week: String, figures: OrganisationWeek) -> impl IntoView {
    let f = figures.feedback;
    let st = figures.stories;
    let story_share = st
        .associate_share()
        .map(|p| format!("{p}%"))
        .unwrap_or_else(|| "—".into());
    view! {
                            <div class="figures">
                                <Figure label="Feedback answers" value=f.count href=format!("/feedback?week={}", week)/>
                                <Figure label="NPS" value=f.nps.map(|n| n.to_string()).unwrap_or_else(|| "—".into()) href=format!("/feedback?week={}&score_type=nps", week)/>
                                <Figure label="CSAT (4–5 of 5)" value=percent(f.csat) href=format!("/feedback?week={}&score_type=csat", week)/>
                                <Figure label="CES (5–7 of 7)" value=percent(f.ces) href=format!("/feedback?week={}&score_type=ces", week)/>
                                <Figure label="Lukewarm share" value=percent(f.lukewarm_share) href=format!("/feedback?week={}&assessment=lukewarm", week)/>
                                <Figure label="“Good” hid a problem" value=percent(f.good_hid_problem_rate) href=format!("/follow-ups?queue=closed&closed_week={}&assessment=lukewarm&reached=true", week)/>
                            </div>
                            <div class="figures" data-testid="story-figures">
                                <Figure label="Extra-mile stories" value=st.stories href=format!("/stories?week={}", week)/>
                                <Figure label="Associates with a story" value=format!("{} of {} ({story_share})", st.associates_with_story, st.active_associates) href="/stories/cadence".into()/>
                                <Figure label="Kudos given" value=st.kudos href=format!("/stories?kudos_week={}&sort=kudos", week)/>
                                <Figure label="Failures turned around" value=st.turned_around href=format!("/stories?week={}&kind=turned_around", week)/>
                                <Figure label="Stories spotlighted" value=st.spotlighted href=format!("/stories?spotlight_week={}", week)/>
                            </div>
    }
}
