//! One story, laid out to be read (and printed), with its kudos, comments and spotlight.
use super::library::day_label;
use crate::components::flash::Flash;
use crate::components::form::{error_of, FormAlert};
use crate::components::layout::LoadError;
use crate::components::time::format_short;
use crate::stories::api::{get_story, CommentStory, GiveKudos, SpotlightStory};
use crate::stories::Story;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn StoryPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let kudos = ServerAction::<GiveKudos>::new();
    let comment = ServerAction::<CommentStory>::new();
    let spotlight = ServerAction::<SpotlightStory>::new();
    let story = Resource::new(
        move || {
            (
                id(),
                kudos.version().get(),
                comment.version().get(),
                spotlight.version().get(),
            )
        },
        |(id, ..)| get_story(id),
    );
    let kudos_error = error_of(kudos.value());
    let comment_error = error_of(comment.value());
    view! {
        <div class="story-page">
        <Flash/>
        <Transition fallback=|| view! { <p class="loading">"Loading story…"</p> }>
            {move || Suspend::new(async move {
                match story.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(s) => view! {
                        <StoryBody story=s.clone()/>
                        <Recognition story=s kudos spotlight comment kudos_error comment_error/>
                    }.into_any(),
                }
            })}
        </Transition>
        </div>
    }
}

#[component]
fn StoryBody(story: Story) -> impl IntoView {
    let s = story;
    view! {
        <article class="story card" data-testid="story">
            <header class="story-head">
                <p class="badges">
                    <span class=format!("badge kind-{}", s.kind.as_str())>{s.kind.label()}</span>
                    {s.spotlighted_at.map(|_| view! { <span class="badge spotlight">"★ Spotlight"</span> })}
                    {s.shareable.then(|| view! { <span class="badge">"Shared with the customer"</span> })}
                </p>
                <h1>{s.title.clone()}</h1>
                <p class="muted">
                    {s.associate.name.clone()}
                    {(!s.colleagues.is_empty()).then(|| format!(" with {}", s.colleagues.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")))}
                    {format!(" · {} ({})", day_label(&s.occurred_on), s.week)}
                </p>
                <p class="story-links">
                    {s.customer_id.zip(s.customer_name.clone()).map(|(cid, name)| view! { <span>"Customer: "<a href=format!("/customers/{cid}")>{name}</a></span> })}
                    {s.incident_id.map(|i| view! { <span>"Incident: "<a href=format!("/incidents/{i}")>{format!("#{i}")}</a></span> })}
                    {(s.cost.minor > 0).then(|| view! { <span>{format!("Cost: {}", s.cost.display())}</span> })}
                </p>
                <div class="page-actions">
                    {s.can_edit.then(|| view! { <a class="button button-quiet" href=format!("/stories/{}/edit", s.id)>"Edit"</a> })}
                    <crate::components::print::PrintButton/>
                </div>
            </header>
            <section><h2>"The situation"</h2><p class="prose">{s.situation.clone()}</p></section>
            <section><h2>"What was done"</h2><p class="prose">{s.action_taken.clone()}</p></section>
            <section><h2>"The result"</h2><p class="prose">{s.result.clone()}</p></section>
            {(!s.lesson.is_empty()).then(|| view! { <section><h2>"What others can learn"</h2><p class="prose">{s.lesson.clone()}</p></section> })}
            {(!s.tags.is_empty()).then(|| view! {
                <p class="story-meta">{s.tags.iter().map(|t| view! { <a class="tag" href=format!("/stories?tag={}", crate::url_encoding::encode(t))>{format!("#{t}")}</a> }).collect_view()}</p>
            })}
            {(!s.internal_notes.is_empty()).then(|| view! {
                <aside class="internal-notes"><h2>"Internal notes"</h2><p class="muted small">"Staff only: never shown to the customer."</p><p class="prose">{s.internal_notes.clone()}</p></aside>
            })}
            <p class="muted small">{format!("Logged by {} on {}", s.created_by, format_short(s.created_at))}</p>
        </article>
    }
}

#[component]
fn Recognition(
    story: Story,
    kudos: ServerAction<GiveKudos>,
    spotlight: ServerAction<SpotlightStory>,
    comment: ServerAction<CommentStory>,
    kudos_error: crate::components::form::FormError,
    comment_error: crate::components::form::FormError,
) -> impl IntoView {
    let s = story;
    let names = s
        .kudos
        .iter()
        .map(|k| k.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <section class="card recognition">
            <h2>{format!("Kudos ({})", s.kudos.len())}</h2>
            <FormAlert error=kudos_error/>
            {(!names.is_empty()).then(|| view! { <p class="muted" data-testid="kudos-names">{format!("From {names}")}</p> })}
            <div class="toolbar">
                {if s.can_give_kudos {
                    view! {
                        <ActionForm action=kudos attr:class="inline-form">
                            <input type="hidden" name="id" value=s.id/>
                            <input type="hidden" name="give" value=(!s.gave_kudos).to_string()/>
                            <button class="button" class:button-quiet=s.gave_kudos type="submit">
                                {if s.gave_kudos { "Withdraw my kudos" } else { "Give kudos" }}
                            </button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! { <p class="muted small">"Kudos come from colleagues who were not part of the story."</p> }.into_any()
                }}
                {s.can_spotlight.then(|| view! {
                    <ActionForm action=spotlight attr:class="inline-form">
                        <input type="hidden" name="id" value=s.id/>
                        <input type="hidden" name="on" value=s.spotlighted_at.is_none().to_string()/>
                        <button class="button button-quiet" type="submit">
                            {if s.spotlighted_at.is_some() { "Remove from spotlight" } else { "★ Spotlight on the dashboard" }}
                        </button>
                    </ActionForm>
                })}
            </div>
        </section>
        <section class="card" id="comments">
            <h2>{format!("Comments ({})", s.comments.len())}</h2>
            {if s.comments.is_empty() {
                view! { <p class="muted">"No comments yet: say what you liked or what you will try."</p> }.into_any()
            } else {
                view! {
                    <ul class="comments">
                        {s.comments.iter().map(|c| view! {
                            <li><p class="small"><strong>{c.author.clone()}</strong>" · "<span class="muted">{format_short(c.created_at)}</span></p><p class="prose">{c.body.clone()}</p></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <ActionForm action=comment attr:class="form">
                <FormAlert error=comment_error/>
                <input type="hidden" name="id" value=s.id/>
                <crate::components::form::TextArea label="Add a comment" name="body" rows=2 error=comment_error/>
                <div class="form-actions"><button class="button button-quiet" type="submit">"Comment"</button></div>
            </ActionForm>
        </section>
    }
}
