//! Admin → Webhooks: the endpoints with their events and state, the form that adds one (its
//! secret shown once after), and each endpoint's delivery log. Every form is a plain HTML form
//! posting to a server function, so the page works without JavaScript.
use super::manage::{
    list_webhooks, webhook_deliveries, CreateWebhook, DeleteWebhook, RedeliverWebhook,
    SendTestWebhook, SetWebhookEnabled,
};
use super::{Delivery, Endpoint, EventType};
use crate::components::flash::Flash;
use crate::components::form::{FormAlert, TextField};
use crate::components::layout::{EmptyState, LoadError, PageHeader};
use crate::components::time::format_ms;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let create = ServerAction::<CreateWebhook>::new();
    let enable = ServerAction::<SetWebhookEnabled>::new();
    let delete = ServerAction::<DeleteWebhook>::new();
    let test = ServerAction::<SendTestWebhook>::new();
    let data = Resource::new(
        move || {
            (
                create.version().get(),
                enable.version().get(),
                delete.version().get(),
            )
        },
        |_| list_webhooks(),
    );
    let create_error = Signal::derive(move || create.value().get().and_then(|r| r.err()));
    let change_error = Signal::derive(move || {
        enable
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| delete.value().get().and_then(|r| r.err()))
            .or_else(|| test.value().get().and_then(|r| r.err()))
    });
    view! {
        <PageHeader title="Webhooks".into()/>
        <Flash/>
        <p class="muted">
            "Each event is POSTed as JSON to the endpoints that subscribe to it, signed the Standard Webhooks way "
            "(headers webhook-id, webhook-timestamp and webhook-signature). Failed deliveries are retried for about a day."
        </p>
        <FormAlert error=change_error/>
        <Transition fallback=|| view! { <p class="loading">"Loading webhooks…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(v) => view! {
                        {v.revealed.map(|secret| view! {
                            <div class="reveal" role="status">
                                <p><strong>"Copy this signing secret now."</strong>" It is shown once and cannot be recovered."</p>
                                <code class="secret" data-testid="revealed-secret">{secret}</code>
                            </div>
                        })}
                        {if v.endpoints.is_empty() {
                            view! { <EmptyState title="No webhook endpoints yet"><p>"Add one below for each system that should hear about incidents, feedback, follow-ups and stories."</p></EmptyState> }.into_any()
                        } else {
                            view! {
                                <div class="table-wrap"><table class="table">
                                    <thead><tr><th>"Endpoint"</th><th>"Events"</th><th>"State"</th><th>"Actions"</th></tr></thead>
                                    <tbody>{v.endpoints.into_iter().map(|e| view! { <EndpointRow e=e enable=enable delete=delete test=test/> }).collect_view()}</tbody>
                                </table></div>
                            }.into_any()
                        }}
                    }.into_any(),
                }
            })}
        </Transition>
        <section class="card">
            <h2>"Add an endpoint"</h2>
            <ActionForm action=create attr:class="form">
                <FormAlert error=create_error/>
                <TextField label="URL" name="url" kind="url" required=true hint="Where events are POSTed, e.g. https://crm.example.com/hooks." error=create_error/>
                <TextField label="Description" name="description" hint="What it is for, e.g. CRM." error=create_error/>
                <fieldset class="field webhook-events">
                    <legend>"Events"</legend>
                    {EventType::ALL.into_iter().map(|event| view! {
                        <label class="checkbox">
                            <input type="checkbox" name="events[]" value=event.as_str()/>
                            " " <code>{event.as_str()}</code> " — " {event.label()}
                        </label>
                    }).collect_view()}
                    {move || create_error.get().and_then(|e| e.field_message("events")).map(|m| view! { <p class="field-error">{m}</p> })}
                </fieldset>
                <label class="checkbox">
                    <input type="checkbox" name="enabled" value="1" checked/>
                    " Enabled: send events to it from now on"
                </label>
                <div class="form-actions"><button class="button" type="submit">"Add endpoint"</button></div>
            </ActionForm>
        </section>
    }
}

#[component]
fn EndpointRow(
    e: Endpoint,
    enable: ServerAction<SetWebhookEnabled>,
    delete: ServerAction<DeleteWebhook>,
    test: ServerAction<SendTestWebhook>,
) -> impl IntoView {
    let state = match (e.enabled, e.failing_since) {
        (false, _) => "Disabled".to_string(),
        (true, Some(since)) => format!("Failing since {}", format_ms(since)),
        (true, None) => "Enabled".to_string(),
    };
    let log = format!("/admin/webhooks/{}", e.id);
    view! {
        <tr class:row-muted=!e.enabled>
            <td data-label="Endpoint">
                <A href=log.clone()><code>{e.url.clone()}</code></A>
                {(!e.description.is_empty()).then(|| view! { <p class="small muted">{e.description.clone()}</p> })}
            </td>
            <td data-label="Events"><ul class="plain small">{e.events.iter().map(|n| view! { <li><code>{n.clone()}</code></li> }).collect_view()}</ul></td>
            <td data-label="State"><span class=if e.failing_since.is_some() && e.enabled { "badge badge-danger" } else { "badge" }>{state}</span></td>
            <td data-label="Actions">
                <A href=log attr:class="button button-secondary">"Delivery log"</A>
                <ActionForm action=test attr:class="inline-form">
                    <input type="hidden" name="id" value=e.id/>
                    <button class="button button-secondary" type="submit" disabled=!e.enabled>"Send a test event"</button>
                </ActionForm>
                <ActionForm action=enable attr:class="inline-form">
                    <input type="hidden" name="id" value=e.id/>
                    <input type="hidden" name="enabled" value=(!e.enabled).to_string()/>
                    <button class="button button-secondary" type="submit">{if e.enabled { "Disable" } else { "Enable" }}</button>
                </ActionForm>
                <ActionForm action=delete attr:class="inline-form">
                    <input type="hidden" name="id" value=e.id/>
                    <button class="button button-danger" type="submit">"Delete"</button>
                </ActionForm>
            </td>
        </tr>
    }
}

/// One endpoint's deliveries, newest first, with every attempt.
#[component]
pub fn WebhookLogPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let test = ServerAction::<SendTestWebhook>::new();
    let redeliver = ServerAction::<RedeliverWebhook>::new();
    let data = Resource::new(
        move || (id(), test.version().get(), redeliver.version().get()),
        |(id, _, _)| webhook_deliveries(id),
    );
    let error = Signal::derive(move || {
        test.value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| redeliver.value().get().and_then(|r| r.err()))
    });
    view! {
        <PageHeader title="Webhook delivery log".into()/>
        <Flash/>
        <FormAlert error=error/>
        <p><A href="/admin/webhooks">"← All webhooks"</A></p>
        <Transition fallback=|| view! { <p class="loading">"Loading deliveries…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(log) => view! {
                        <section class="card">
                            <p><code>{log.endpoint.url.clone()}</code></p>
                            <ActionForm action=test attr:class="inline-form">
                                <input type="hidden" name="id" value=log.endpoint.id/>
                                <button class="button" type="submit" disabled=!log.endpoint.enabled>"Send a test event"</button>
                            </ActionForm>
                            <A href=format!("/admin/webhooks/{}", log.endpoint.id) attr:class="button button-secondary">"Refresh"</A>
                        </section>
                        {if log.deliveries.is_empty() {
                            view! { <EmptyState title="Nothing delivered yet"><p>"Events this endpoint subscribes to appear here as they are sent."</p></EmptyState> }.into_any()
                        } else {
                            view! {
                                <div class="table-wrap"><table class="table" data-testid="delivery-log">
                                    <thead><tr><th>"Event"</th><th>"Attempt"</th><th>"Status code"</th><th>"Response time"</th><th>"Response"</th><th>"Next retry"</th><th></th></tr></thead>
                                    <tbody>{log.deliveries.into_iter().map(|d| view! { <DeliveryRows d=d redeliver=redeliver/> }).collect_view()}</tbody>
                                </table></div>
                            }.into_any()
                        }}
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A delivery's attempts as rows (one row saying it waits when none was made yet).
#[component]
fn DeliveryRows(d: Delivery, redeliver: ServerAction<RedeliverWebhook>) -> impl IntoView {
    let event = format!("{} ({})", d.event_type, d.message_id);
    let waiting = d.attempts.is_empty().then(|| {
        view! {
            <tr data-status=d.status.clone()>
                <td data-label="Event"><code>{event.clone()}</code></td>
                <td data-label="Attempt">"—"</td>
                <td data-label="Status code">"—"</td>
                <td data-label="Response time">"—"</td>
                <td data-label="Response"><span class="muted">"Not sent yet"</span></td>
                <td data-label="Next retry">{d.next_attempt_at.map(format_ms).unwrap_or_default()}</td>
                <td></td>
            </tr>
        }
    });
    let last = d.attempts.len();
    let rows = d
        .attempts
        .into_iter()
        .enumerate()
        .rev()
        .map(|(n, a)| {
            let newest = n + 1 == last;
            let response = match (&a.error, &a.response_body) {
                (Some(e), _) if a.status_code.is_none() => e.clone(),
                (_, Some(body)) => body.clone(),
                (Some(e), None) => e.clone(),
                (None, None) => String::new(),
            };
            view! {
                <tr data-status=d.status.clone() class:row-muted=!newest>
                    <td data-label="Event"><code>{event.clone()}</code><span class="small muted">{format!(" {}", format_ms(a.at))}</span></td>
                    <td data-label="Attempt">{a.attempt}</td>
                    <td data-label="Status code">{a.status_code.map(|s| s.to_string()).unwrap_or_else(|| "no answer".into())}</td>
                    <td data-label="Response time">{format!("{} ms", a.response_ms)}</td>
                    <td data-label="Response"><code class="webhook-response">{response}</code></td>
                    <td data-label="Next retry">{a.next_retry_at.map(format_ms).unwrap_or_else(|| if newest { d.status.clone() } else { String::new() })}</td>
                    <td>{newest.then(|| view! {
                        <ActionForm action=redeliver attr:class="inline-form">
                            <input type="hidden" name="delivery_id" value=d.id/>
                            <button class="button button-secondary" type="submit">"Redeliver"</button>
                        </ActionForm>
                    })}</td>
                </tr>
            }
        })
        .collect_view();
    view! { {waiting} {rows} }
}
