//! The "Print" button of printable pages. Printing needs the browser, so this is an island.
use leptos::prelude::*;

#[island]
pub fn PrintButton() -> impl IntoView {
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = leptos::web_sys::window() {
            let _ = w.print();
        }
    };
    view! { <button class="button button-quiet print-button" type="button" on:click=print>"Print"</button> }
}
