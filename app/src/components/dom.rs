//! What the islands ask of the page around them.
use web_sys::wasm_bindgen::JsCast;

/// The form an element sits in: islands placed inside a server-rendered form act on it.
pub fn form_around(el: &web_sys::Element) -> Option<web_sys::HtmlFormElement> {
    el.closest("form").ok().flatten()?.dyn_into().ok()
}
