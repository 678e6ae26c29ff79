//! The filters a report's figure links to a list with: they are not in the list's form, so they
//! travel in it as hidden fields and are named above the list with a way back to everything.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// (query key, how the filter reads in "Showing …").
pub type Linked = &'static [(&'static str, &'static str)];

/// The linked filters in the URL as hidden fields, so applying the form keeps them.
#[component]
pub fn LinkedInputs(keys: Linked) -> impl IntoView {
    let query = use_query_map();
    move || {
        query.with(|m| {
            keys.iter()
                .filter_map(|(k, _)| m.get(k).filter(|v| !v.is_empty()).map(|v| (*k, v)))
                .map(|(k, v)| view! { <input type="hidden" name=k value=v/> })
                .collect_view()
        })
    }
}

/// "Showing feedback: Team 3 · … . Show all", when any linked filter is in the URL.
#[component]
pub fn LinkedFilters(keys: Linked, noun: &'static str, clear: &'static str) -> impl IntoView {
    let query = use_query_map();
    move || {
        let shown: Vec<String> = query.with(|m| {
            keys.iter()
                .filter_map(|(k, label)| {
                    m.get(k)
                        .filter(|v| !v.is_empty())
                        .map(|v| format!("{label} {v}"))
                })
                .collect()
        });
        (!shown.is_empty()).then(|| {
            view! {
                <p class="muted" data-testid="linked-filters">{format!("Showing {noun}: {}. ", shown.join(" · "))}<a href=clear>"Show all"</a></p>
            }
        })
    }
}
