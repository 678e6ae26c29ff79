//! Form pieces with labels, hints and per-field errors wired for screen readers.
use crate::error::AppError;
use leptos::prelude::*;

/// The error of the last submission, if any, as a signal pages can pass to fields.
pub type FormError = Signal<Option<AppError>>;

/// The error of an action's last result, as a form error.
pub fn error_of<T, V>(value: V) -> FormError
where
    V: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// A labelled input with its error under it.
#[component]
pub fn TextField(
    label: &'static str,
    name: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional)] kind: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] autofocus: bool,
    #[prop(into)] error: FormError,
) -> impl IntoView {
    let id = format!("f-{name}");
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let message = move || error.get().and_then(|e| e.field_message(name));
    let described = {
        let err_id = err_id.clone();
        let hint_id = hint_id.clone();
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if message().is_some() {
                ids.push(err_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field-invalid=move || message().is_some()>
            <label for=id.clone()>{label}{required.then_some(view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=id.clone()
                name=name
                type=kind.unwrap_or("text")
                value=value
                required=required
                autofocus=autofocus
                autocomplete=autocomplete
                aria-invalid=move || message().is_some().then_some("true")
                aria-describedby=described
            />
            {move || message().map(|m| view! { <p class="field-error" id=err_id.clone()>{m}</p> })}
        </div>
    }
}

/// The summary above a form: the general message of a failed submission.
#[component]
pub fn FormAlert(#[prop(into)] error: FormError) -> impl IntoView {
    move || {
        error.get().map(|e| {
            view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }
        })
    }
}

/// A labelled multi-line input with its error under it.
#[component]
pub fn TextArea(
    label: &'static str,
    name: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional)] required: bool,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] rows: Option<u32>,
    #[prop(into)] error: FormError,
) -> impl IntoView {
    let id = format!("f-{name}");
    let err_id = format!("{id}-error");
    let message = move || error.get().and_then(|e| e.field_message(name));
    view! {
        <div class="field" class:field-invalid=move || message().is_some()>
            <label for=id.clone()>{label}{required.then_some(view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            <textarea id=id.clone() name=name rows=rows.unwrap_or(3) required=required
                aria-invalid=move || message().is_some().then_some("true")
                aria-describedby=err_id.clone()>{value}</textarea>
            {move || message().map(|m| view! { <p class="field-error" id=err_id.clone()>{m}</p> })}
        </div>
    }
}

/// A labelled select over (value, label) pairs.
#[component]
pub fn SelectField(
    label: &'static str,
    name: &'static str,
    options: Vec<(String, String)>,
    #[prop(optional, into)] selected: String,
    #[prop(into)] error: FormError,
) -> impl IntoView {
    let id = format!("f-{name}");
    let message = move || error.get().and_then(|e| e.field_message(name));
    view! {
        <div class="field" class:field-invalid=move || message().is_some()>
            <label for=id.clone()>{label}</label>
            <select id=id.clone() name=name>
                {options.into_iter().map(|(value, text)| {
                    let is_selected = value == selected;
                    view! { <option value=value selected=is_selected>{text}</option> }
                }).collect_view()}
            </select>
            {move || message().map(|m| view! { <p class="field-error">{m}</p> })}
        </div>
    }
}
