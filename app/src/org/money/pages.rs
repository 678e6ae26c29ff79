//! Admin → Exchange rates: the organisation currency every money figure is kept in, the rates
//! other currencies convert at (one form per rate, or a CSV pasted whole), and the currencies
//! amounts arrived in that have no rate yet. Plain forms: the page works without JavaScript.
use super::api::{load_rates, DeleteRate, ImportRates, SaveCurrency, SaveRate};
use crate::components::flash::Flash;
use crate::components::form::{error_of, FormAlert, TextArea, TextField};
use crate::components::layout::{EmptyState, LoadError, PageHeader};
use leptos::prelude::*;

#[component]
pub fn RatesPage() -> impl IntoView {
    let currency = ServerAction::<SaveCurrency>::new();
    let save = ServerAction::<SaveRate>::new();
    let import = ServerAction::<ImportRates>::new();
    let delete = ServerAction::<DeleteRate>::new();
    let data = Resource::new(
        move || {
            (
                currency.version().get(),
                save.version().get(),
                import.version().get(),
                delete.version().get(),
            )
        },
        |_| load_rates(),
    );
    let currency_error = error_of(currency.value());
    let save_error = error_of(save.value());
    let import_error = error_of(import.value());
    let delete_error = error_of(delete.value());
    view! {
        <PageHeader title="Exchange rates".into()/>
        <Flash/>
        <Transition fallback=|| view! { <p class="loading">"Loading rates…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(t) => {
                        let org = t.currency.clone();
                        let heading = format!("Rates to {org}");
                        let unit = format!("1 unit in {org}");
                        let missing = (!t.missing.is_empty()).then(|| format!("Amounts were recorded in {} with no rate to {org}: money figures leave them out until a rate is added.", t.missing.join(", ")));
                        view! {
                            <section class="card">
                                <h2>"Organisation currency"</h2>
                                <p class="hint">"Every money figure — recovery spend, referral revenue, return on recovery — is shown in this currency. Amounts in other currencies are converted at the rate in force on their own date; amounts without one are never added, and figures say how many there are."</p>
                                <ActionForm action=currency attr:class="form">
                                    <FormAlert error=currency_error/>
                                    <TextField label="Currency (ISO 4217 code)" name="currency" value=org.clone() required=true autocomplete="off" error=currency_error/>
                                    <div class="form-actions"><button class="button" type="submit">"Save currency"</button></div>
                                </ActionForm>
                            </section>
                            {missing.map(|m| view! {
                                <div class="alert alert-warning" role="status" data-testid="missing-rates">{m}</div>
                            })}
                            <section class="card">
                                <h2>{heading}</h2>
                                <FormAlert error=delete_error/>
                                {if t.rates.is_empty() {
                                    view! { <EmptyState title="No rates yet"><p>"Add the first below, or paste a CSV."</p></EmptyState> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-wrap"><table class="table" data-testid="rates">
                                            <thead><tr><th>"Currency"</th><th>"From"</th><th>{unit}</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                                            <tbody>
                                                {t.rates.into_iter().map(|r| view! {
                                                    <tr>
                                                        <td data-label="Currency">{r.currency.clone()}</td>
                                                        <td data-label="From">{r.from.clone()}</td>
                                                        <td data-label="Rate">{r.rate.clone()}</td>
                                                        <td>
                                                            <ActionForm action=delete attr:class="inline-form">
                                                                <input type="hidden" name="currency" value=r.currency.clone()/>
                                                                <input type="hidden" name="from" value=r.from.clone()/>
                                                                <button class="button button-quiet" type="submit" aria-label=format!("Delete the {} rate from {}", r.currency, r.from)>"Delete"</button>
                                                            </ActionForm>
                                                        </td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table></div>
                                    }.into_any()
                                }}
                                <h3>"Add or change a rate"</h3>
                                <ActionForm action=save attr:class="form">
                                    <FormAlert error=save_error/>
                                    <TextField label="Currency" name="currency" required=true autocomplete="off" hint="An ISO 4217 code, like EUR." error=save_error/>
                                    <TextField label="Applies from" name="from" kind="date" required=true hint="The first day (organisation time) it applies; it holds until the currency's next rate." error=save_error/>
                                    <TextField label="Rate" name="rate" required=true autocomplete="off" hint="How much one unit is worth in the organisation currency, like 1.0825." error=save_error/>
                                    <div class="form-actions"><button class="button" type="submit">"Save rate"</button></div>
                                </ActionForm>
                            </section>
                            <section class="card">
                                <h2>"Import rates"</h2>
                                <ActionForm action=import attr:class="form">
                                    <FormAlert error=import_error/>
                                    <TextArea label="CSV" name="csv" rows=6 required=true hint="A header line currency,from,rate then one rate per line, like EUR,2026-11-02,1.0825. A rate for a currency and day already kept is replaced. Nothing is saved unless every line is right." error=import_error/>
                                    <div class="form-actions"><button class="button" type="submit">"Import"</button></div>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
