//! The browser entry point. Pages are rendered whole on the server; the bundle holds only the
//! interactive parts (`#[island]` components), which this hydrates where a page has them.
#![recursion_limit = "256"]
// Linked for its islands: each `#[island]` is exported from the app crate, and nothing here
// names it otherwise.
use app as _;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
