//! Logging an incident: built to take under 30 seconds, also on a phone. Only the customer, the
//! category and a line of description are needed; everything else has a sensible default.
use crate::components::form::{FormAlert, SelectField, TextArea, TextField};
use crate::components::layout::{LoadError, PageHeader};
use crate::customers::picker::CustomerPicker;
use crate::incidents::api::{incident_categories, CreateIncident};
use crate::incidents::{Severity, Source};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NewIncidentPage() -> impl IntoView {
    let action = ServerAction::<CreateIncident>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    let categories = Resource::new(|| (), |_| incident_categories());
    let query = use_query_map();
    let preset = move |k: &str| query.with_untracked(|q| q.get(k).unwrap_or_default());
    let follow_up = preset("follow_up");
    view! {
        <PageHeader title="Log an incident".into()/>
        <ActionForm action=action attr:class="form card">
            <FormAlert error=error/>
            {(!follow_up.is_empty()).then(|| view! {
                <p class="hint">{format!("From follow-up #{follow_up}: the incident will be linked to it.")}</p>
                <input type="hidden" name="follow_up" value=follow_up.clone()/>
            })}
            <CustomerPicker value=preset("customer") autofocus=true error=error
                hint="Type a name, email or reference and pick from the suggestions."/>
            <details class="inline-new">
                <summary>"New customer? Add them by name"</summary>
                <TextField label="New customer's name" name="new_customer_name" autocomplete="off"
                    hint="Used when the customer field above is empty." error=error/>
            </details>
            <Transition fallback=|| view! { <p class="loading">"Loading categories…"</p> }>
                {move || Suspend::new(async move {
                    match categories.await {
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                        Ok(list) => {
                            let options = list.into_iter()
                                .map(|c| (c.id.to_string(), format!("{} (usually {})", c.name, c.default_severity.label().to_lowercase())))
                                .collect();
                            view! { <SelectField label="Category" name="category_id" options=options error=error/> }.into_any()
                        }
                    }
                })}
            </Transition>
            <div class="field-row">
                <SelectField label="Severity" name="severity" error=error
                    options=std::iter::once(("".to_string(), "Category default".to_string()))
                        .chain(Severity::ALL.iter().map(|s| (s.as_str().to_string(), s.label().to_string()))).collect()/>
                <SelectField label="Source" name="source" error=error selected=preset("source")
                    options=Source::ALL.iter().map(|s| (s.as_str().to_string(), s.label().to_string())).collect()/>
            </div>
            <div class="field-row">
                <TextField label="When it happened" name="occurred_at" kind="datetime-local" hint="UTC; leave empty for now." error=error/>
                <TextField label="Subject reference" name="subject_ref" autocomplete="off" hint="Order, rental or delivery id." error=error/>
            </div>
            <TextArea label="What went wrong" name="description" required=true value=preset("description") error=error/>
            <div class="form-actions">
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Logging…" } else { "Log incident" }}
                </button>
                <a href="/incidents" class="button button-quiet">"Cancel"</a>
            </div>
        </ActionForm>
    }
}
