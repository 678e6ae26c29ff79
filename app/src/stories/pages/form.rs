//! Logging and editing a story, built for a phone: the five things that make a story first,
//! everything else folded away with sensible defaults. New stories autosave as a draft.
use crate::components::form::{error_of, FormAlert, FormError, SelectField, TextArea, TextField};
use crate::components::layout::{LoadError, PageHeader};
use crate::customers::picker::CustomerPicker;
use crate::stories::api::{story_form, CreateStory, DiscardStoryDraft, UpdateStory};
use crate::stories::{StoryFormData, StoryKind};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn NewStoryPage() -> impl IntoView {
    let action = ServerAction::<CreateStory>::new();
    let discard = ServerAction::<DiscardStoryDraft>::new();
    let error = error_of(action.value());
    let data = Resource::new(move || discard.version().get(), |_| story_form(None));
    view! {
        <PageHeader title="Log a story".into()/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(d) => {
                        let saved = d.draft_saved_at;
                        view! {
                            {saved.map(|at| view! {
                                <div class="alert" role="status">
                                    {format!("Your unsaved story from {} is back where you left it. ", crate::components::time::format_short(at))}
                                    <ActionForm action=discard attr:class="inline-form">
                                        <button class="button button-quiet" type="submit">"Start over"</button>
                                    </ActionForm>
                                </div>
                            })}
                            <ActionForm action=action attr:class="form card story-form">
                                <FormAlert error=error/>
                                <StoryFields data=d error=error/>
                                <div class="form-actions">
                                    <button type="submit" class="button" disabled=move || action.pending().get()>
                                        {move || if action.pending().get() { "Saving…" } else { "Save story" }}
                                    </button>
                                    <a href="/stories" class="button button-quiet">"Cancel"</a>
                                    <Autosave/>
                                </div>
                            </ActionForm>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
pub fn EditStoryPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let action = ServerAction::<UpdateStory>::new();
    let error = error_of(action.value());
    let data = Resource::new(id, |id| story_form(Some(id)));
    view! {
        <PageHeader title="Edit story".into()/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(d) => view! {
                        <ActionForm action=action attr:class="form card story-form">
                            <FormAlert error=error/>
                            <input type="hidden" name="id" value=id()/>
                            <StoryFields data=d error=error/>
                            <div class="form-actions">
                                <button type="submit" class="button" disabled=move || action.pending().get()>
                                    {move || if action.pending().get() { "Saving…" } else { "Save changes" }}
                                </button>
                                <a href=format!("/stories/{}", id()) class="button button-quiet">"Cancel"</a>
                            </div>
                        </ActionForm>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Saves what has been typed in the form around it a moment after typing stops, and says so.
#[island]
fn Autosave() -> impl IntoView {
    let (status, set_status) = signal(String::new());
    let marker = NodeRef::<leptos::html::P>::new();
    #[cfg(feature = "hydrate")]
    {
        use crate::stories::api::save_story_draft;
        use crate::stories::fields::{StoryDraft, FIELDS};
        let generation = StoredValue::new(0u64);
        use leptos::wasm_bindgen::JsCast;
        let form_of = move || {
            marker
                .get_untracked()
                .and_then(|m| crate::components::dom::form_around(&m))
        };
        let save = move || {
            let Some(form) = form_of() else {
                return;
            };
            let Ok(data) = leptos::web_sys::FormData::new_with_form(&form) else {
                return;
            };
            let draft = StoryDraft::from_pairs(
                FIELDS
                    .iter()
                    .map(|f| (*f, data.get(f).as_string().unwrap_or_default())),
            );
            let Ok(body) = serde_json::to_string(&draft) else {
                return;
            };
            set_status.set("Saving draft…".into());
            leptos::task::spawn_local(async move {
                match save_story_draft(body).await {
                    Ok(_) => set_status.set("Draft saved".into()),
                    Err(_) => set_status
                        .set("Draft not saved: check your connection. Keep this page open.".into()),
                }
            });
        };
        Effect::new(move |_| {
            marker.track();
            let Some(form) = form_of() else { return };
            let handler = move |_: leptos::web_sys::Event| {
                let g = generation.get_value() + 1;
                generation.set_value(g);
                set_timeout(
                    move || {
                        if generation.get_value() == g {
                            save();
                        }
                    },
                    std::time::Duration::from_millis(700),
                );
            };
            let cb = leptos::wasm_bindgen::closure::Closure::<dyn Fn(leptos::web_sys::Event)>::new(
                handler,
            );
            let _ = form.add_event_listener_with_callback("input", cb.as_ref().unchecked_ref());
            let _ = form.add_event_listener_with_callback("change", cb.as_ref().unchecked_ref());
            cb.forget();
            // Submitting saves the story and discards the draft: a save still waiting must not
            // bring the draft back.
            let cancel =
                leptos::wasm_bindgen::closure::Closure::<dyn Fn(leptos::web_sys::Event)>::new(
                    move |_| generation.set_value(generation.get_value() + 1),
                );
            let _ =
                form.add_event_listener_with_callback("submit", cancel.as_ref().unchecked_ref());
            cancel.forget();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (set_status, marker);
    view! { <p class="autosave muted small" role="status" aria-live="polite" data-testid="autosave" node_ref=marker>{status}</p> }
}

/// The story's fields, filled from a draft or the story being edited.
#[component]
fn StoryFields(data: StoryFormData, error: FormError) -> impl IntoView {
    let v = data.values;
    let kind_error = move || error.get().and_then(|e| e.field_message("kind"));
    let associate = if v.associate.is_empty() {
        data.me.to_string()
    } else {
        v.associate.clone()
    };
    let occurred_on = if v.occurred_on.is_empty() {
        data.today.clone()
    } else {
        v.occurred_on.clone()
    };
    let more_open = [
        &v.colleagues,
        &v.incident,
        &v.cost,
        &v.tags,
        &v.internal_notes,
    ]
    .iter()
    .any(|f| !f.is_empty());
    let people: Vec<(String, String)> = data
        .staff
        .iter()
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect();
    view! {
        <TextField label="Title" name="title" required=true value=v.title autofocus=true autocomplete="off"
            hint="A line a colleague would want to read, e.g. “Reshipped to the new address before lunch”." error=error/>
        <fieldset class="field kind-choice" class:field-invalid=move || kind_error().is_some()>
            <legend>"Kind"<span class="req" aria-hidden="true">" *"</span></legend>
            {StoryKind::ALL.iter().map(|k| {
                let checked = v.kind == k.as_str();
                view! {
                    <label class="choice">
                        <input type="radio" name="kind" value=k.as_str() checked=checked required=true/>
                        <span>{k.label()}</span>
                    </label>
                }
            }).collect_view()}
            {move || kind_error().map(|m| view! { <p class="field-error">{m}</p> })}
        </fieldset>
        <TextArea label="The situation" name="situation" required=true value=v.situation hint="What was going on? What went wrong, if anything?" error=error/>
        <TextArea label="What was done" name="action_taken" required=true value=v.action_taken error=error/>
        <TextArea label="The result for the customer" name="result" required=true value=v.result error=error/>
        <TextArea label="What others can learn" name="lesson" value=v.lesson error=error/>
        <TextField label="When" name="occurred_on" kind="date" value=occurred_on hint="The day it happened; it counts for that week." error=error/>
        <CustomerPicker value=v.customer error=error
            hint="Type a name, email or reference and pick a suggestion. Leave it empty if they are not a customer."/>
        <details class="more-fields" open=more_open>
            <summary>"Colleagues, incident, cost, tags, notes"</summary>
            {data.can_choose_associate.then(|| view! {
                <SelectField label="Who went the extra mile" name="associate" options=people.clone() selected=associate.clone() error=error/>
            })}
            <TextField label="Colleagues" name="colleagues" value=v.colleagues autocomplete="off" error=error
                hint="Names or emails of anyone who helped, separated by commas."/>
            <TextField label="Incident" name="incident" value=v.incident hint="Its number, if this turned a failure around." error=error/>
            <div class="field-row">
                <TextField label="Cost" name="cost" value=v.cost hint="What it cost, if anything, e.g. 12.50." error=error/>
                <TextField label="Currency" name="currency" value=if v.currency.is_empty() { "USD".to_string() } else { v.currency } error=error/>
            </div>
            <TextField label="Tags" name="tags" value=v.tags autocomplete="off" hint="Separated by commas, e.g. reship, address." error=error/>
            <TextArea label="Internal notes" name="internal_notes" value=v.internal_notes hint="For staff only: never shown to the customer." error=error/>
        </details>
        {(!data.can_choose_associate).then(|| view! { <input type="hidden" name="associate" value=associate/> })}
        <label class="choice">
            <input type="checkbox" name="shareable" value="on" checked=v.shareable/>
            <span>"Share with the customer: it appears in their portal, without internal notes."</span>
        </label>
    }
}
