//! Search as you type on a list page, without a page load: a moment after typing stops, the
//! page for the form's query is fetched and its results region replaces this one's. The form
//! itself is a plain GET form, so without JavaScript the search button does the same.
use leptos::prelude::*;

/// Put inside the search form; `results` is the id of the region the results are rendered in.
#[island]
pub fn SearchAsYouType(results: String) -> impl IntoView {
    let marker = NodeRef::<leptos::html::Span>::new();
    #[cfg(feature = "hydrate")]
    browser::wire(marker, results);
    #[cfg(not(feature = "hydrate"))]
    let _ = results;
    view! { <span node_ref=marker hidden></span> }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{DomParser, FormData, HtmlFormElement, Response, SupportedType, UrlSearchParams};

    pub fn wire(marker: NodeRef<leptos::html::Span>, results: String) {
        let generation = StoredValue::new(0u64);
        Effect::new(move |_| {
            let Some(form) = marker
                .get()
                .and_then(|m| crate::components::dom::form_around(&m))
            else {
                return;
            };
            let results = results.clone();
            let target = form.clone();
            let on_input = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| {
                let g = generation.get_value() + 1;
                generation.set_value(g);
                let (form, results) = (target.clone(), results.clone());
                set_timeout(
                    move || {
                        if generation.get_value() == g {
                            leptos::task::spawn_local(refresh(form, results, generation, g));
                        }
                    },
                    std::time::Duration::from_millis(250),
                );
            });
            let _ =
                form.add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref());
            on_input.forget();
        });
    }

    /// Fetches the page the form would open and swaps in its results region, unless a newer
    /// search started meanwhile.
    async fn refresh(form: HtmlFormElement, results: String, generation: StoredValue<u64>, g: u64) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Ok(data) = FormData::new_with_form(&form) else {
            return;
        };
        let Ok(params) = UrlSearchParams::new_with_str_sequence_sequence(&data) else {
            return;
        };
        let path = form
            .get_attribute("action")
            .unwrap_or_else(|| window.location().pathname().unwrap_or_default());
        let url = format!("{path}?{}", String::from(params.to_string()));
        let Ok(response) = JsFuture::from(window.fetch_with_str(&url)).await else {
            return;
        };
        let Ok(response) = response.dyn_into::<Response>() else {
            return;
        };
        if !response.ok() {
            return;
        }
        let Ok(text) = response.text() else { return };
        let Ok(text) = JsFuture::from(text).await else {
            return;
        };
        let Some(html) = text.as_string() else { return };
        if generation.get_value() != g {
            return;
        }
        let Ok(parser) = DomParser::new() else { return };
        let Ok(fresh) = parser.parse_from_string(&html, SupportedType::TextHtml) else {
            return;
        };
        let (Some(old), Some(new)) = (
            window
                .document()
                .and_then(|d| d.get_element_by_id(&results)),
            fresh.get_element_by_id(&results),
        ) else {
            return;
        };
        old.set_inner_html(&new.inner_html());
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(
                &web_sys::wasm_bindgen::JsValue::NULL,
                "",
                Some(&url),
            );
        }
    }
}
