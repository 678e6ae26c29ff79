//! Forms that post without leaving the page. Every form of the app is a plain form that posts
//! to its server function and is redirected back (or on), which works without JavaScript. With
//! it, this island sends the same post in the background and swaps in the page's new main
//! content: the scroll position stays, and after a refused submission what was typed stays in
//! the fields, beside the errors. Forms that lead to another page load it as usual.
use leptos::prelude::*;

/// Placed once in each layout.
#[island]
pub fn EnhancedForms() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::listen());
    view! { <span hidden></span> }
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen_futures::JsFuture;
    use web_sys::js_sys::{Function, Reflect};
    use web_sys::wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use web_sys::{
        Document, DomParser, Element, FormData, HtmlElement, HtmlFormElement, HtmlInputElement,
        HtmlSelectElement, HtmlTextAreaElement, RequestInit, Response, SubmitEvent, SupportedType,
        UrlSearchParams,
    };

    /// Server functions' form endpoints: what answers a form post with a redirect to a page.
    const PREFIX: &str = "/fn/";

    pub fn listen() {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let on_submit = Closure::<dyn Fn(SubmitEvent)>::new(|ev: SubmitEvent| {
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
            else {
                return;
            };
            let action = form.get_attribute("action").unwrap_or_default();
            if ev.default_prevented()
                || !action.starts_with(PREFIX)
                || !form.method().eq_ignore_ascii_case("post")
                || form.enctype() == "multipart/form-data"
            {
                return;
            }
            ev.prevent_default();
            // One submission at a time per form: a second click waits for the first.
            if form.get_attribute("aria-busy").as_deref() == Some("true") {
                return;
            }
            let Ok(data) = FormData::new_with_form(&form) else {
                return;
            };
            if let Some(submitter) = ev.submitter() {
                if let (Some(name), Some(value)) = (
                    submitter.get_attribute("name"),
                    submitter.get_attribute("value"),
                ) {
                    let _ = data.append_with_str(&name, &value);
                }
            }
            let _ = form.set_attribute("aria-busy", "true");
            leptos::task::spawn_local(send(form, action, data));
        });
        let _ =
            document.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
        on_submit.forget();
    }

    async fn send(form: HtmlFormElement, action: String, data: FormData) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let fallback = |form: &HtmlFormElement| {
            let _ = form.remove_attribute("aria-busy");
            // The plain post, as without JavaScript.
            let _ = form.submit();
        };
        let Ok(body) = UrlSearchParams::new_with_str_sequence_sequence(&data) else {
            return fallback(&form);
        };
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_body(&body);
        let headers = web_sys::Headers::new().ok();
        if let Some(h) = &headers {
            let _ = h.set("Accept", "text/html");
            init.set_headers(h);
        }
        let response = match JsFuture::from(window.fetch_with_str_and_init(&action, &init)).await {
            Ok(r) => r.dyn_into::<Response>().ok(),
            Err(_) => None,
        };
        let Some(response) = response.filter(|r| r.ok()) else {
            return fallback(&form);
        };
        let url = response.url();
        let html = match response.text() {
            Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
            Err(_) => None,
        };
        let _ = form.remove_attribute("aria-busy");
        let (Some(html), Some(document)) = (html, window.document()) else {
            return;
        };
        let here = window.location().pathname().unwrap_or_default();
        let there = web_sys::Url::new(&url)
            .map(|u| u.pathname())
            .unwrap_or_default();
        let fresh = DomParser::new()
            .ok()
            .and_then(|p| p.parse_from_string(&html, SupportedType::TextHtml).ok());
        let (Some(fresh), Some(old_main)) = (fresh, document.get_element_by_id("main")) else {
            let _ = window.location().assign(&url);
            return;
        };
        let Some(new_main) = fresh.get_element_by_id("main").filter(|_| there == here) else {
            // Another page: open it as a link would.
            let _ = window.location().assign(&url);
            return;
        };
        let refused = url.contains("__err=");
        let typed = refused.then(|| typed_values(&form));
        let index = form_index(&document, &form);
        old_main.set_inner_html(&new_main.inner_html());
        document.set_title(&fresh.title());
        if let Ok(history) = window.history() {
            let _ = history.push_state_with_url(&JsValue::NULL, "", Some(&url));
        }
        hydrate_islands(&old_main);
        if let (Some(typed), Some(form)) = (typed, same_form(&document, &action, index)) {
            restore(&form, &typed);
            let invalid = form
                .query_selector("[aria-invalid=\"true\"]")
                .ok()
                .flatten();
            if let Some(el) = invalid.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
                let _ = el.focus();
            }
        }
    }

    fn form_index(document: &Document, form: &HtmlFormElement) -> usize {
        let action = form.get_attribute("action").unwrap_or_default();
        forms_with(document, &action)
            .iter()
            .position(|f| f == form.unchecked_ref::<Element>())
            .unwrap_or(0)
    }

    fn forms_with(document: &Document, action: &str) -> Vec<Element> {
        let Ok(list) = document.query_selector_all("form") else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<Element>().ok())
            .filter(|f| f.get_attribute("action").as_deref() == Some(action))
            .collect()
    }

    fn same_form(document: &Document, action: &str, index: usize) -> Option<HtmlFormElement> {
        forms_with(document, action)
            .into_iter()
            .nth(index)
            .and_then(|f| f.dyn_into::<HtmlFormElement>().ok())
    }

    /// What was in each named field (checked state for boxes), passwords and hidden ids aside.
    fn typed_values(form: &HtmlFormElement) -> Vec<(String, String, bool)> {
        let elements = form.elements();
        (0..elements.length())
            .filter_map(|i| elements.item(i))
            .filter_map(|el| {
                if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
                    let kind = i.type_();
                    if matches!(
                        kind.as_str(),
                        "password" | "hidden" | "file" | "submit" | "button"
                    ) {
                        return None;
                    }
                    return Some((i.name(), i.value(), i.checked()));
                }
                if let Some(t) = el.dyn_ref::<HtmlTextAreaElement>() {
                    return Some((t.name(), t.value(), false));
                }
                el.dyn_ref::<HtmlSelectElement>()
                    .map(|s| (s.name(), s.value(), false))
            })
            .filter(|(name, _, _)| !name.is_empty())
            .collect()
    }

    fn restore(form: &HtmlFormElement, typed: &[(String, String, bool)]) {
        let elements = form.elements();
        let mut seen = std::collections::HashMap::<&str, usize>::new();
        let fields: Vec<Element> = (0..elements.length())
            .filter_map(|i| elements.item(i))
            .collect();
        for (name, value, checked) in typed {
            let nth = seen.entry(name.as_str()).or_default();
            let mut same_name = fields
                .iter()
                .filter(|f| f.get_attribute("name").as_deref() == Some(name));
            if let Some(el) = same_name.nth(*nth) {
                if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
                    match i.type_().as_str() {
                        "checkbox" | "radio" => i.set_checked(*checked),
                        _ => i.set_value(value),
                    }
                } else if let Some(t) = el.dyn_ref::<HtmlTextAreaElement>() {
                    t.set_value(value);
                } else if let Some(s) = el.dyn_ref::<HtmlSelectElement>() {
                    s.set_value(value);
                }
            }
            *nth += 1;
        }
    }

    /// Wakes the islands of the new content with the hydration script's own function.
    fn hydrate_islands(root: &Element) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Ok(hydrate) = Reflect::get(&window, &JsValue::from_str("__hydrateIsland")) else {
            return;
        };
        let Ok(hydrate) = hydrate.dyn_into::<Function>() else {
            return;
        };
        let Ok(islands) = root.query_selector_all("leptos-island") else {
            return;
        };
        for i in 0..islands.length() {
            if let Some(el) = islands
                .item(i)
                .and_then(|n| n.dyn_into::<HtmlElement>().ok())
            {
                let id = el.dataset().get("component").unwrap_or_default();
                let _ = hydrate.call2(&JsValue::NULL, &el, &JsValue::from_str(&id));
            }
        }
    }
}
