//! Customer pages: the searchable list, the create/edit form, and the customer page, which
//! composes the record with its loyalty, incidents and feedback sections.
use crate::components::flash::Flash;
use crate::components::form::{FormAlert, TextField};
use crate::components::layout::{EmptyState, LoadError, PageHeader};
use crate::components::pagination::Pagination;
use crate::components::time::{format_date, format_ms};
use crate::customers::api::{get_customer, list_customers, CreateCustomer, UpdateCustomer};
use crate::customers::{Customer, CustomerSort};
use crate::url_encoding::encode;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CustomersPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.with(|m| m.get("q").unwrap_or_default());
    let sort = move || CustomerSort::parse(&query.with(|m| m.get("sort").unwrap_or_default()));
    let standing = move || query.with(|m| m.get("standing").unwrap_or_default());
    let referral_week = move || query.with(|m| m.get("referral_week").unwrap_or_default());
    let currency = move || query.with(|m| m.get("currency").unwrap_or_default());
    let page = move || {
        query.with(|m| {
            m.get("page")
                .and_then(|p| p.parse::<i64>().ok())
                .unwrap_or(1)
                .max(1)
        })
    };
    let customers = Resource::new(
        move || (q(), sort(), page(), standing(), referral_week(), currency()),
        |(q, sort, page, standing, week, currency)| {
            list_customers(q, sort.as_str().to_string(), page, standing, week, currency)
        },
    );
    let viewer = crate::components::layout::use_viewer();
    view! {
        <PageHeader title="Customers".into()>
            {move || crate::components::layout::signed_in(viewer)
                .filter(|v| v.has_role(crate::accounts::Role::Manager))
                .map(|_| view! { <a class="button button-quiet" href="/customers/import">"Import CSV"</a> })}
            <a class="button button-quiet" href="/customers/return-on-recovery">"Return on recovery"</a>
            <a class="button button-quiet" download="customers.csv" href=move || format!(
                "/customers.csv?q={}&sort={}&standing={}&referral_week={}&currency={}",
                encode(&q()), sort().as_str(), encode(&standing()), encode(&referral_week()), encode(&currency()))>"Export CSV"</a>
            <a class="button" href="/customers/new">"Add customer"</a>
        </PageHeader>
        <Flash/>
        <form class="toolbar" method="get" action="/customers" role="search">
            <label class="visually-hidden" for="customer-search">"Search customers"</label>
            <input id="customer-search" type="search" name="q" placeholder="Search name, email or reference"
                value=q autocomplete="off"/>
            <label class="visually-hidden" for="customer-sort">"Sort by"</label>
            <select id="customer-sort" name="sort">
                {CustomerSort::ALL.into_iter().map(|s| view! {
                    <option value=s.as_str() selected=move || sort() == s>{s.label()}</option>
                }).collect_view()}
            </select>
            <label class="visually-hidden" for="customer-standing">"Standing"</label>
            <select id="customer-standing" name="standing">
                {[("", "Everyone"), ("advocate", "Advocates"), ("loyal", "Loyal"), ("at_risk", "At risk (passive or detractor)"),
                  ("passive", "Passive"), ("detractor", "Detractors"), ("churned", "Churned")]
                    .into_iter().map(|(v, l)| view! { <option value=v selected=move || standing() == v>{l}</option> }).collect_view()}
            </select>
            {move || (!referral_week().is_empty()).then(|| view! {
                <input type="hidden" name="referral_week" value=referral_week()/>
                <input type="hidden" name="currency" value=currency()/>
            })}
            <button type="submit" class="button button-quiet">"Search"</button>
            <crate::components::submit_on_change::SubmitOnChange/>
            <crate::components::search_as_you_type::SearchAsYouType results="customer-results".to_string()/>
        </form>
        {move || (!referral_week().is_empty()).then(|| view! {
            <p class="muted" data-testid="linked-filters">
                {format!("Showing customers whose referrals brought money in {}{}. ", referral_week(), if currency().is_empty() { String::new() } else { format!(", in {}", currency()) })}
                <a href="/customers">"Show all"</a>
            </p>
        })}
        <div id="customer-results">
        <Transition fallback=|| view! { <p class="loading">"Loading customers…"</p> }>
            {move || Suspend::new(async move {
                match customers.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(page) if page.items.is_empty() => view! {
                        <EmptyState title="No customers found">
                            <p>{if q().is_empty() { "Add your first customer to start tracking their experience." } else { "Nobody matches that search. Try part of a name, an email or a reference." }}</p>
                        </EmptyState>
                    }.into_any(),
                    Ok(page) => {
                        let base = format!("/customers?q={}&sort={}&standing={}&referral_week={}&currency={}&", encode(&q()), sort().as_str(), encode(&standing()), encode(&referral_week()), encode(&currency()));
                        view! {
                            <div class="table-wrap">
                                <table class="table">
                                    <thead><tr><th>"Name"</th><th>"Email"</th><th>"Reference"</th><th>"Segment"</th><th>"Loyalty"</th><th>"Added"</th></tr></thead>
                                    <tbody>
                                        {page.items.into_iter().map(|c| view! { <CustomerRow customer=c/> }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pagination page=page.page per_page=page.per_page total=page.total capped=page.total_capped base=base/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
        </div>
    }
}

#[component]
fn CustomerRow(customer: Customer) -> impl IntoView {
    view! {
        <tr>
            <td data-label="Name"><a href=format!("/customers/{}", customer.id)>{customer.name}</a></td>
            <td data-label="Email">{customer.email.unwrap_or_default()}</td>
            <td data-label="Reference" class="inline-sm">{customer.external_ref.unwrap_or_default()}</td>
            <td data-label="Segment" class="inline-sm"><span class="tag">{customer.segment}</span></td>
            <td data-label="Loyalty" class="inline-sm">
                {customer.loyalty_score.map(|s| view! { <strong>{s}</strong>" " })}
                {crate::loyalty::pages::segment_badge(crate::loyalty::Segment::parse(customer.loyalty_segment.as_deref().unwrap_or("")))}
            </td>
            <td data-label="Added" class="hide-sm">{format_date(customer.created_at)}</td>
        </tr>
    }
}

fn customer_id() -> impl Fn() -> Option<i64> + Copy {
    let params = use_params_map();
    move || params.with(|p| p.get("id").and_then(|id| id.parse().ok()))
}

#[component]
pub fn CustomerPage() -> impl IntoView {
    let id = customer_id();
    let detail = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_customer(id).await,
            None => Err(crate::error::AppError::NotFound("That customer".into())),
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading customer…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(d) => {
                        let c = d.customer;
                        let log_ref = c.external_ref.clone().or(c.email.clone()).unwrap_or_else(|| c.id.to_string());
                        let portal = if d.has_portal_login {
                            "Has portal access".to_string()
                        } else if let Some(exp) = d.pending_invitation_expires_at {
                            format!("Invitation pending until {}", format_ms(exp))
                        } else {
                            "No portal access yet".to_string()
                        };
                        view! {
                            <PageHeader title=c.name.clone()>
                                <a class="button" href=format!("/incidents/new?customer={}", crate::url_encoding::encode(&log_ref))>"Log incident"</a>
                                <a class="button button-quiet" href=format!("/customers/{}/edit", c.id)>"Edit"</a>
                            </PageHeader>
                            <Flash/>
                            <section class="card">
                                <dl class="facts">
                                    <dt>"Email"</dt><dd>{c.email.clone().unwrap_or_else(|| "—".into())}</dd>
                                    <dt>"Phone"</dt><dd>{c.phone.clone().unwrap_or_else(|| "—".into())}</dd>
                                    <dt>"External reference"</dt><dd>{c.external_ref.clone().unwrap_or_else(|| "—".into())}</dd>
                                    <dt>"Segment"</dt><dd><span class="tag">{c.segment.clone()}</span></dd>
                                    <dt>"Referral code"</dt><dd><code>{c.referral_code.clone()}</code></dd>
                                    <dt>"Customer since"</dt><dd>{format_date(d.customer_since)}</dd>
                                    <dt>"Portal"</dt><dd>{portal}</dd>
                                </dl>
                                {d.has_portal_login.then(|| view! { <DisablePortalLogin customer_id=c.id/> })}
                            </section>
                            <section class="card">
                                <h2>"Experience"</h2>
                                <p><a href=format!("/incidents?customer={}", c.id)>"See this customer's incidents"</a></p>
                                <p><a href=format!("/feedback/surveys?customer={}", c.id)>"Ask for feedback with a survey link"</a></p>
                                <p><a href=format!("/stories?customer={}", c.id)>"Extra-mile stories about this customer"</a></p>
                            </section>
                            <crate::loyalty::pages::LoyaltySection customer_id=c.id/>
                            <crate::feedback::pages::badges::CustomerFeedbackSection customer_id=c.id/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
pub fn NewCustomerPage() -> impl IntoView {
    let action = ServerAction::<CreateCustomer>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    let remembered = Resource::new(|| (), |_| crate::loyalty::invite::remembered_referral());
    view! {
        <PageHeader title="Add customer".into()/>
        <ActionForm action=action attr:class="form card">
            <FormAlert error=error/>
            <CustomerFieldsInputs customer=None error=error/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let code = remembered.await.unwrap_or_default();
                    view! {
                        <TextField label="Referral code" name="referred_by_code" value=code autocomplete="off" error=error
                            hint="If a customer referred them: the code from their link (/r/…) or card."/>
                    }
                })}
            </Suspense>
            <div class="form-actions">
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Saving…" } else { "Add customer" }}
                </button>
                <a href="/customers" class="button button-quiet">"Cancel"</a>
            </div>
        </ActionForm>
    }
}

#[component]
pub fn EditCustomerPage() -> impl IntoView {
    let id = customer_id();
    let detail = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_customer(id).await,
            None => Err(crate::error::AppError::NotFound("That customer".into())),
        }
    });
    let action = ServerAction::<UpdateCustomer>::new();
    let error = Signal::derive(move || action.value().get().and_then(|r| r.err()));
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading customer…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(d) => {
                        let c = d.customer;
                        view! {
                            <PageHeader title=format!("Edit {}", c.name)/>
                            <ActionForm action=action attr:class="form card">
                                <FormAlert error=error/>
                                <input type="hidden" name="id" value=c.id/>
                                <CustomerFieldsInputs customer=Some(c.clone()) error=error/>
                                <div class="form-actions">
                                    <button type="submit" class="button">"Save changes"</button>
                                    <a href=format!("/customers/{}", c.id) class="button button-quiet">"Cancel"</a>
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
fn CustomerFieldsInputs(
    customer: Option<Customer>,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let c = customer.unwrap_or(Customer {
        id: 0,
        external_ref: None,
        name: String::new(),
        email: None,
        phone: None,
        segment: crate::customers::fields::DEFAULT_SEGMENT.into(),
        referral_code: String::new(),
        created_at: 0,
        updated_at: 0,
        loyalty_score: None,
        loyalty_segment: None,
    });
    view! {
        <TextField label="Name" name="name" value=c.name required=true autofocus=true autocomplete="off" error=error/>
        <TextField label="Email" name="email" kind="email" value=c.email.unwrap_or_default() autocomplete="off" error=error/>
        <TextField label="Phone" name="phone" kind="tel" value=c.phone.unwrap_or_default() autocomplete="off" error=error/>
        <TextField label="External reference" name="external_ref" value=c.external_ref.unwrap_or_default()
            hint="The customer's id in your shop, CRM or billing system, e.g. c-1001." error=error/>
        <TextField label="Segment" name="segment" value=c.segment hint="retail, business, vip… (default retail)" error=error/>
    }
}

/// "Switch off portal sign-in": ends the customer's sessions until they are invited again.
#[component]
fn DisablePortalLogin(customer_id: i64) -> impl IntoView {
    use crate::admin::invitations::DisablePortalLogin as Disable;
    use crate::components::form::FormAlert;
    let disable = ServerAction::<Disable>::new();
    let error = Signal::derive(move || disable.value().get().and_then(|r| r.err()));
    view! {
        <ActionForm action=disable attr:class="inline-form">
            <FormAlert error=error/>
            <input type="hidden" name="customer_id" value=customer_id/>
            <button class="button button-quiet" type="submit">"Switch off portal sign-in"</button>
        </ActionForm>
    }
}
