//! The customer field of staff forms: type a name, email or reference and pick a suggestion.
//! The field is a plain input (it works without JavaScript); the suggestions are an island.
use super::api::search_customers;
use crate::components::form::FormError;
use leptos::prelude::*;

#[component]
pub fn CustomerPicker(
    #[prop(into)] value: String,
    hint: &'static str,
    #[prop(optional)] autofocus: bool,
    #[prop(optional)] required: bool,
    #[prop(into)] error: FormError,
) -> impl IntoView {
    // Pages render on the server only: the error is the one the last submission came back with.
    let message = error
        .get_untracked()
        .and_then(|e| e.field_message("customer"));
    view! { <CustomerField value hint=hint.to_string() autofocus required message/> }
}

#[island]
fn CustomerField(
    value: String,
    hint: String,
    autofocus: bool,
    required: bool,
    message: Option<String>,
) -> impl IntoView {
    let (typed, set_typed) = signal(String::new());
    let suggestions = Resource::new(
        move || typed.get(),
        |q| async move {
            if q.trim().chars().count() < 2 {
                Ok(Vec::new())
            } else {
                search_customers(q).await
            }
        },
    );
    let invalid = message.is_some();
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for="f-customer">"Customer"{required.then_some(view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
            <p class="hint" id="customer-hint">{hint}</p>
            <input id="f-customer" name="customer" list="customer-options" autocomplete="off" autofocus=autofocus required=required
                value=value aria-describedby="customer-hint"
                aria-invalid=invalid.then_some("true")
                on:input=move |ev| set_typed.set(event_target_value(&ev))/>
            <datalist id="customer-options">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        suggestions.await.unwrap_or_default().into_iter().map(|c| {
                            let value = c.external_ref.clone().or(c.email.clone()).unwrap_or_else(|| c.id.to_string());
                            let label = format!("{} · {}", c.name, c.email.clone().unwrap_or_default());
                            view! { <option value=value>{label}</option> }
                        }).collect_view()
                    })}
                </Transition>
            </datalist>
            {message.map(|m| view! { <p class="field-error">{m}</p> })}
        </div>
    }
}
