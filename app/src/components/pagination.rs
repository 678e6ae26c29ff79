//! Previous/next links that keep the rest of the query string.
use leptos::prelude::*;

/// `base` is the path with every query parameter but `page` (ending in `?` or `&`).
#[component]
pub fn Pagination(page: i64, per_page: i64, total: i64, base: String) -> impl IntoView {
    let pages = ((total + per_page - 1) / per_page).max(1);
    let first = if total == 0 {
        0
    } else {
        (page - 1) * per_page + 1
    };
    let last = (page * per_page).min(total);
    let prev = (page > 1).then(|| format!("{base}page={}", page - 1));
    let next = (page < pages).then(|| format!("{base}page={}", page + 1));
    view! {
        <nav class="pagination" aria-label="Pages">
            <span class="muted">{format!("{first}–{last} of {total}")}</span>
            {prev.map(|href| view! { <a class="button button-quiet" href=href rel="prev">"← Previous"</a> })}
            <span class="muted">{format!("Page {page} of {pages}")}</span>
            {next.map(|href| view! { <a class="button button-quiet" href=href rel="next">"Next →"</a> })}
        </nav>
    }
}
