//! The story library: search, filters in the URL, newest or most-kudos first.
use crate::accounts::Role;
use crate::components::flash::Flash;
use crate::components::layout::{use_viewer, EmptyState, LoadError, PageHeader};
use crate::components::linked_filters::{LinkedFilters, LinkedInputs};
use crate::components::pagination::Pagination;
use crate::stories::api::{list_stories, story_people};
use crate::stories::{StoryCard, StoryKind};
use crate::url_encoding::encode;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const KEYS: [&str; 11] = [
    "q",
    "kind",
    "tag",
    "associate",
    "customer",
    "week",
    "sort",
    "spotlight",
    "team",
    "spotlight_week",
    "kudos_week",
];

/// The filters a report's figure links to, shown above the list rather than in the form.
const LINKED: [(&str, &str); 3] = [
    ("team", "Team"),
    ("spotlight_week", "Spotlighted in"),
    ("kudos_week", "Given kudos in"),
];

/// "2026-11-20" as "Fri 20 Nov 2026".
pub fn day_label(day: &str) -> String {
    crate::common::moment::parse_day(day)
        .map(|d| d.format("%a %-d %b %Y").to_string())
        .unwrap_or_else(|| day.to_string())
}

#[component]
pub fn StoriesPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.with(|m| m.get(k).unwrap_or_default());
    let page = move || get("page").parse::<i64>().unwrap_or(1).max(1);
    let data = Resource::new(
        move || (KEYS.map(get), page()),
        |(v, page)| {
            let [q, kind, tag, associate, customer, week, sort, spotlight, team, spotlight_week, kudos_week] =
                v;
            list_stories(
                q,
                kind,
                tag,
                associate,
                customer,
                week,
                sort,
                page,
                spotlight,
                team,
                spotlight_week,
                kudos_week,
            )
        },
    );
    let people = Resource::new(|| (), |_| story_people());
    let viewer = use_viewer();
    let base = move || {
        let mut s = String::from("/stories?");
        for k in KEYS {
            let v = get(k);
            if !v.is_empty() {
                s.push_str(&format!("{k}={}&", encode(&v)));
            }
        }
        s
    };
    view! {
        <PageHeader title="Stories".into()>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let manager = viewer.await.ok().flatten().is_some_and(|v| v.has_role(Role::Manager));
                    manager.then(|| view! { <a class="button button-quiet" href="/stories/cadence">"Cadence"</a> })
                })}
            </Suspense>
            <a class="button" href="/stories/new">"Log a story"</a>
        </PageHeader>
        <Flash/>
        <form class="filters" method="get" action="/stories" role="search">
            <input type="search" name="q" aria-label="Search stories" placeholder="Search stories, people, customers" value=move || get("q")/>
            <select name="kind" aria-label="Kind">
                <option value="">"Any kind"</option>
                {StoryKind::ALL.iter().map(|k| view! { <option value=k.as_str() selected=move || get("kind") == k.as_str()>{k.label()}</option> }).collect_view()}
            </select>
            <select name="associate" aria-label="Associate">
                <option value="">"Anyone"</option>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        people.await.unwrap_or_default().into_iter().map(|p| {
                            let id = p.id.to_string();
                            let selected = get("associate") == id;
                            view! { <option value=id selected=selected>{p.name}</option> }
                        }).collect_view()
                    })}
                </Suspense>
            </select>
            <input type="text" name="tag" aria-label="Tag" placeholder="Tag" value=move || get("tag")/>
            <input type="week" name="week" aria-label="ISO week" value=move || get("week")/>
            <select name="sort" aria-label="Order">
                <option value="">"Newest first"</option>
                <option value="kudos" selected=move || get("sort") == "kudos">"Most kudos"</option>
            </select>
            <label class="check"><input type="checkbox" name="spotlight" value="true" checked=move || matches!(get("spotlight").as_str(), "1" | "true")/>"Spotlight only"</label>
            {move || (!get("customer").is_empty()).then(|| view! { <input type="hidden" name="customer" value=get("customer")/> })}
            <LinkedInputs keys=&LINKED/>
            <button class="button button-quiet" type="submit">"Apply"</button>
            <a class="button button-quiet" href="/stories">"Clear"</a>
            <a class="button button-quiet" href=move || base().replacen("/stories?", "/stories.csv?", 1) download="stories.csv">"Export CSV"</a>
        </form>
        <LinkedFilters keys=&LINKED noun="stories" clear="/stories"/>
        <Transition fallback=|| view! { <p class="loading">"Loading stories…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! {
                        <EmptyState title="No stories match">
                            <p>"Every associate has an extra-mile story in them each week. "<a href="/stories/new">"Log one"</a>" — it takes a minute."</p>
                        </EmptyState>
                    }.into_any(),
                    Ok(p) => view! {
                        <p class="muted">{format!("{} {}", crate::components::pagination::counted(p.total, p.total_capped), if p.total == 1 && !p.total_capped { "story" } else { "stories" })}</p>
                        <ul class="story-list">
                            {p.items.into_iter().map(|s| view! { <StoryItem story=s/> }).collect_view()}
                        </ul>
                        <Pagination page=p.page per_page=p.page_size total=p.total capped=p.total_capped base=base()/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A story in a list: title, who, when, how it ended, and its recognition.
#[component]
pub fn StoryItem(story: StoryCard) -> impl IntoView {
    let s = story;
    view! {
        <li class="story-item card" data-testid="story-item">
            <h2><a href=format!("/stories/{}", s.id)>{s.title.clone()}</a></h2>
            <p class="badges">
                <span class=format!("badge kind-{}", s.kind.as_str())>{s.kind.label()}</span>
                {s.spotlighted.then(|| view! { <span class="badge spotlight">"★ Spotlight"</span> })}
                {s.shareable.then(|| view! { <span class="badge">"Shared with customer"</span> })}
            </p>
            <p class="muted small">
                <a href=format!("/stories?associate={}", s.associate_id)>{s.associate_name.clone()}</a>
                {format!(" · {} · {}", day_label(&s.occurred_on), s.week)}
                {s.customer_id.zip(s.customer_name.clone()).map(|(id, name)| view! { " · for "<a href=format!("/customers/{id}")>{name}</a> })}
            </p>
            <p>{s.excerpt.clone()}</p>
            <p class="story-meta small">
                <span>{format!("{} kudos", s.kudos)}</span>
                <span>{format!("{} {}", s.comments, if s.comments == 1 { "comment" } else { "comments" })}</span>
                {s.tags.iter().map(|t| view! { <a class="tag" href=format!("/stories?tag={}", encode(t))>{format!("#{t}")}</a> }).collect_view()}
            </p>
        </li>
    }
}
