//! Previous/next links that keep the rest of the query string.
use leptos::prelude::*;

/// `base` is the path with every query parameter but `page` (ending in `?` or `&`). `capped`
/// says the count stopped at `total` with more to come: it reads "1,000+".
#[component]
pub fn Pagination(
    page: i64,
    per_page: i64,
    total: i64,
    base: String,
    #[prop(optional)] capped: bool,
) -> impl IntoView {
    let pages = ((total + per_page - 1) / per_page).max(1);
    let first = if total == 0 {
        0
    } else {
        (page - 1) * per_page + 1
    };
    let last = (page * per_page).min(total);
    let prev = (page > 1).then(|| format!("{base}page={}", page - 1));
    let next = (page < pages).then(|| format!("{base}page={}", page + 1));
    let more = if capped { "+" } else { "" };
    view! {
        <nav class="pagination" aria-label="Pages">
            <span class="muted">{format!("{first}–{last} of {}", counted(total, capped))}</span>
            {prev.map(|href| view! { <a class="button button-quiet" href=href rel="prev">"← Previous"</a> })}
            <span class="muted">{format!("Page {page} of {pages}{more}")}</span>
            {next.map(|href| view! { <a class="button button-quiet" href=href rel="next">"Next →"</a> })}
        </nav>
    }
}

/// A list's count as shown: "1,000+" when counting stopped there, else the number itself.
pub fn counted(total: i64, capped: bool) -> String {
    if !capped {
        return total.to_string();
    }
    let digits = total.to_string();
    let mut out = String::new();
    for (n, c) in digits.chars().enumerate() {
        if n > 0 && (digits.len() - n).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out + "+"
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn a_capped_count_reads_as_at_least_that_many() {
        assert_eq!(counted(1000, true), "1,000+");
        assert_eq!(counted(1025, true), "1,025+");
        assert_eq!(counted(1234567, true), "1,234,567+");
        assert_eq!(counted(999, false), "999");
        assert_eq!(counted(1000, false), "1000");
    }
}
