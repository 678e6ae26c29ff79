//! Filters that apply as soon as a choice changes: the form around this is submitted when one
//! of its selects changes. Without JavaScript the form's own button does the same.
use leptos::prelude::*;

#[island]
pub fn SubmitOnChange() -> impl IntoView {
    let marker = NodeRef::<leptos::html::Span>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use leptos::wasm_bindgen::{closure::Closure, JsCast};
        let Some(form) = marker.get().and_then(|m| super::dom::form_around(&m)) else {
            return;
        };
        let target = form.clone();
        let on_change =
            Closure::<dyn Fn(leptos::web_sys::Event)>::new(move |ev: leptos::web_sys::Event| {
                let from_select = ev
                    .target()
                    .is_some_and(|t| t.dyn_ref::<leptos::web_sys::HtmlSelectElement>().is_some());
                if from_select {
                    let _ = target.request_submit();
                }
            });
        let _ = form.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        on_change.forget();
    });
    view! { <span node_ref=marker hidden></span> }
}
