//! Story cards other pages show: the associate's own cadence and kudos and the spotlight on the
//! dashboard, and the shareable stories in the portal.
use super::library::{day_label, StoryItem};
use crate::components::layout::LoadError;
use crate::stories::api::{load_my_stories, portal_stories, spotlight_stories};
use leptos::prelude::*;

/// The signed-in person's twelve weeks, streak and a nudge when this week has no story yet.
#[component]
pub fn MyStoriesCard() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_my_stories());
    view! {
        <section class="card my-stories" data-testid="my-stories">
            <Transition fallback=|| view! { <p class="loading">"Loading your stories…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                        Ok(m) => {
                            let streak = m.streak.weeks;
                            view! {
                                <h2>"Your extra-mile stories"</h2>
                                <p class="streak" data-testid="streak">
                                    <strong>{format!("{streak}-week streak")}</strong>
                                    {(streak == 0).then_some(" — every streak starts with one story.")}
                                </p>
                                {(!m.streak.this_week).then(|| view! {
                                    <p class="nudge" data-testid="nudge">"No story yet this week. Who did you help? "<a href="/stories/new">"Log it in a minute"</a></p>
                                })}
                                <ol class="week-grid" aria-label="Stories per week, last twelve weeks">
                                    {m.weeks.iter().map(|w| {
                                        let label = format!("{}: {} {}", w.week, w.stories, if w.stories == 1 { "story" } else { "stories" });
                                        view! {
                                            <li class="week-cell" class:has-story=(w.stories > 0) title=label.clone()>
                                                <span class="visually-hidden">{label.clone()}</span>
                                                <span aria-hidden="true">{w.week.split_once("-W").map(|(_, n)| n.to_string()).unwrap_or_default()}</span>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ol>
                                <p class="small">
                                    {format!("{} kudos received", m.kudos_total)}
                                    " · "<a href="/stories/new">"Log a story"</a>
                                </p>
                                {(!m.recent_kudos.is_empty()).then(|| view! {
                                    <ul class="plain-list small">
                                        {m.recent_kudos.into_iter().map(|k| view! {
                                            <li>{format!("{} gave kudos to ", k.from)}<a href=format!("/stories/{}", k.story_id)>{k.story_title}</a></li>
                                        }).collect_view()}
                                    </ul>
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// The stories managers put in the spotlight.
#[component]
pub fn SpotlightCard() -> impl IntoView {
    let data = Resource::new(|| (), |_| spotlight_stories());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <section class="card" data-testid="spotlight"><h2>"★ Spotlight"</h2>
                            <p class="muted">"No story in the spotlight yet. Managers put one here from its page."</p></section>
                    }.into_any(),
                    Ok(list) => view! {
                        <section data-testid="spotlight">
                            <h2>"★ Spotlight"</h2>
                            <ul class="story-list">{list.into_iter().map(|s| view! { <StoryItem story=s/> }).collect_view()}</ul>
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Stories about the signed-in customer that staff chose to share.
#[component]
pub fn PortalStories() -> impl IntoView {
    let data = Resource::new(|| (), |_| portal_stories());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => ().into_any(),
                    Ok(list) => view! {
                        <section class="card">
                            <h2>"Going the extra mile for you"</h2>
                            {list.into_iter().map(|s| view! {
                                <article class="portal-story" data-testid="portal-story">
                                    <h3>{s.title}</h3>
                                    <p class="muted small">{format!("{} · {}", day_label(&s.occurred_on), s.told_by)}</p>
                                    <p>{s.situation}</p>
                                    <p>{s.action_taken}</p>
                                    <p><strong>{s.result}</strong></p>
                                </article>
                            }).collect_view()}
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
