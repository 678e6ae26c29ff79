//! The import pages: choose and check a file (`/customers/import`), then its preview, progress
//! and outcome (`/customers/import/:id`). Uploads are plain multipart forms, so they work
//! without JavaScript; with it, the progress updates in place.
use super::api::{load_import, recent_imports, StartImport};
use super::{ImportKind, ImportStatus, ImportView, LineError};
use crate::components::form::{error_of, FormAlert};
use crate::components::layout::{EmptyState, LoadError, PageHeader};
use crate::components::time::format_ms;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// 100000 → "100,000".
pub fn grouped(n: i64) -> String {
    let digits: Vec<char> = n.unsigned_abs().to_string().chars().collect();
    let groups: Vec<String> = digits
        .rchunks(3)
        .rev()
        .map(|g| g.iter().collect())
        .collect();
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", groups.join(","))
}

fn upload_problem(code: &str) -> Option<&'static str> {
    Some(match code {
        "no-file" => "Choose a CSV file to upload.",
        "too-large" => "The file is larger than 40 MB. Split it into smaller files.",
        "kind" => "Choose whether the file holds customers or orders.",
        "unreadable" => "The upload did not arrive whole. Please try again.",
        _ => return None,
    })
}

#[component]
pub fn ImportsPage() -> impl IntoView {
    let query = use_query_map();
    let problem = move || query.with(|m| m.get("problem").and_then(|c| upload_problem(&c)));
    let recent = Resource::new(|| (), |_| recent_imports());
    view! {
        <PageHeader title="Import customers and orders".into()>
            <a class="button button-quiet" href="/customers">"Customers"</a>
        </PageHeader>
        <p class="lead">"Upload a CSV file. Every line is checked first and nothing is stored until you confirm; then the whole file is imported, or none of it."</p>
        {move || problem().map(|p| view! { <div class="alert alert-error" role="alert">{p}</div> })}
        <div class="cards import-kinds">
            <UploadCard kind=ImportKind::Customers title="Customers"
                note="Matched on external_ref: new references are added, known ones updated. A referral code attributes a new customer to the customer who referred them."/>
            <UploadCard kind=ImportKind::Orders title="Orders"
                note="customer is the customer's external reference or email. placed_at is a time such as 2026-10-02T15:30:00Z, or a date (the start of that day in the organisation's time zone). An order id sent before changes nothing."/>
        </div>
        <section class="card">
            <h2>"Recent imports"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading imports…"</p> }>
                {move || Suspend::new(async move {
                    match recent.await {
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! {
                            <EmptyState title="No imports yet"><p>"Files you upload appear here with what became of them."</p></EmptyState>
                        }.into_any(),
                        Ok(rows) => view! {
                            <div class="table-wrap"><table class="table">
                                <thead><tr><th>"File"</th><th>"Holds"</th><th>"Rows"</th><th>"Status"</th><th>"By"</th><th>"When"</th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| view! {
                                        <tr>
                                            <td data-label="File"><a href=format!("/customers/import/{}", r.id)>{r.file_name}</a></td>
                                            <td data-label="Holds">{r.kind.as_str()}</td>
                                            <td data-label="Rows">{grouped(r.rows)}</td>
                                            <td data-label="Status"><StatusBadge status=r.status/></td>
                                            <td data-label="By">{r.created_by}</td>
                                            <td data-label="When">{format_ms(r.created_at)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn UploadCard(kind: ImportKind, title: &'static str, note: &'static str) -> impl IntoView {
    let (required, optional) = kind.columns();
    let input_id = format!("file-{}", kind.as_str());
    view! {
        <section class="card" data-testid=format!("upload-{}", kind.as_str())>
            <h2>{title}</h2>
            <p class="small">"Columns: " <strong>{required.join(", ")}</strong>
                {(!optional.is_empty()).then(|| format!("; optional: {}", optional.join(", ")))}"."</p>
            <pre class="csv-example" aria-label="Example file">{kind.example()}</pre>
            <p class="small muted">{note}</p>
            <form class="form" method="post" action="/customers/import" enctype="multipart/form-data">
                <input type="hidden" name="kind" value=kind.as_str()/>
                <label for=input_id.clone()>"CSV file (UTF-8)"</label>
                <input id=input_id type="file" name="file" accept=".csv,text/csv" required/>
                <div class="form-actions"><button class="button" type="submit">"Check file"</button></div>
            </form>
        </section>
    }
}

#[component]
fn StatusBadge(status: ImportStatus) -> impl IntoView {
    let class = match status {
        ImportStatus::Done => "badge status-resolved",
        ImportStatus::Ready | ImportStatus::Running => "badge status-recovering",
        ImportStatus::Refused | ImportStatus::Failed => "badge severity-critical",
    };
    view! { <span class=class>{status.label()}</span> }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let start = ServerAction::<StartImport>::new();
    let import = Resource::new(
        move || (id(), start.version().get()),
        |(id, _)| load_import(id),
    );
    let start_error = error_of(start.value());
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading import…"</p> }>
            {move || Suspend::new(async move {
                match import.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(v) => view! { <ImportBody import=v start start_error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ImportBody(
    import: ImportView,
    start: ServerAction<StartImport>,
    start_error: crate::components::form::FormError,
) -> impl IntoView {
    let v = import;
    let noun = v.kind.as_str();
    let rows = grouped(v.rows);
    let label = format!("Import {rows} {noun}");
    let body = match v.status {
        ImportStatus::Ready => view! {
            <div class="flash" role="status">{format!("All {rows} rows passed the checks. Nothing is stored yet.")}</div>
            <Preview header=v.header.clone() rows=v.preview.clone() total=v.rows/>
            <ActionForm action=start attr:class="form">
                <FormAlert error=start_error/>
                <input type="hidden" name="id" value=v.id/>
                <p class="small muted">"The whole file is imported in one go, or none of it: if a line cannot be stored, nothing is."</p>
                <div class="form-actions">
                    <button class="button" type="submit" disabled=move || start.pending().get()>
                        {move || if start.pending().get() { "Starting…".to_string() } else { label.clone() }}
                    </button>
                    <a class="button button-quiet" href="/customers/import">"Cancel"</a>
                </div>
            </ActionForm>
        }.into_any(),
        ImportStatus::Running => view! {
            <noscript><meta http-equiv="refresh" content="2"/></noscript>
            <ImportProgress id=v.id rows=v.rows done=v.done phase=v.phase.clone()/>
        }.into_any(),
        ImportStatus::Done => view! {
            <div class="flash" role="status" data-testid="import-done">{format!("Imported. {}", v.summary.clone().unwrap_or_default())}</div>
            <div class="form-actions">
                <a class="button" href="/customers">"See customers"</a>
                <a class="button button-quiet" href="/customers/import">"Import another file"</a>
            </div>
        }.into_any(),
        ImportStatus::Refused | ImportStatus::Failed => view! {
            <div class="alert alert-error" role="alert" data-testid="import-problem">{v.message.clone().unwrap_or_default()}</div>
            <Problems id=v.id errors=v.errors.clone() count=v.error_count/>
            <div class="form-actions"><a class="button" href="/customers/import">"Upload a corrected file"</a></div>
        }.into_any(),
    };
    view! {
        <PageHeader title=v.file_name.clone()>
            <a class="button button-quiet" href="/customers/import">"All imports"</a>
        </PageHeader>
        <p class="muted">{format!("{} · {rows} rows · uploaded by {} on {}", noun, v.created_by, format_ms(v.created_at))}
            " " <StatusBadge status=v.status/></p>
        {body}
    }
}

/// A running import's progress. In the browser it asks the server again shortly, as long as
/// the import runs, and shows the finished page once it has stopped.
#[island]
fn ImportProgress(id: i64, rows: i64, done: i64, phase: Option<String>) -> impl IntoView {
    let progress = RwSignal::new((done, phase));
    #[cfg(feature = "hydrate")]
    {
        fn ask(id: i64, progress: RwSignal<(i64, Option<String>)>) {
            set_timeout(
                move || {
                    leptos::task::spawn_local(async move {
                        match load_import(id).await {
                            Ok(v) if v.status == ImportStatus::Running => {
                                progress.set((v.done, v.phase));
                                ask(id, progress);
                            }
                            Ok(_) => {
                                if let Some(w) = leptos::web_sys::window() {
                                    let _ = w.location().reload();
                                }
                            }
                            // A dropped connection: try again rather than stop showing progress.
                            Err(_) => ask(id, progress),
                        }
                    })
                },
                std::time::Duration::from_millis(700),
            );
        }
        Effect::new(move |_| ask(id, progress));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
    let total = grouped(rows);
    view! {
        <div class="import-progress" role="status" aria-live="polite" data-testid="import-progress">
            {move || {
                let (done, phase) = progress.get();
                let percent = if rows > 0 { done * 100 / rows } else { 0 };
                view! {
                    <progress max=rows value=done>{format!("{percent}%")}</progress>
                    <p>{format!("{} of {total} rows ({percent}%)", grouped(done))}{phase.map(|p| format!(" · {p}"))}</p>
                }
            }}
            <p class="small muted">"You can leave this page; the import carries on. Nothing is visible until it has all been stored."</p>
        </div>
    }
}

#[component]
fn Preview(header: Vec<String>, rows: Vec<Vec<String>>, total: i64) -> impl IntoView {
    let shown = rows.len();
    view! {
        <h2>{format!("First {shown} of {} rows", grouped(total))}</h2>
        <div class="table-wrap"><table class="table preview-table">
            <thead><tr><th>"Line"</th>{header.iter().map(|h| view! { <th>{h.clone()}</th> }).collect_view()}</tr></thead>
            <tbody>
                {rows.into_iter().enumerate().map(|(i, cells)| {
                    let header = header.clone();
                    view! {
                        <tr>
                            <td data-label="Line">{i + 2}</td>
                            {cells.into_iter().zip(header).map(|(c, h)| view! { <td data-label=h>{c}</td> }).collect_view()}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

#[component]
fn Problems(id: i64, errors: Vec<LineError>, count: i64) -> impl IntoView {
    if errors.is_empty() {
        return ().into_any();
    }
    let shown = errors.len() as i64;
    view! {
        <h2>{format!("{} {}", grouped(count), if count == 1 { "problem" } else { "problems" })}</h2>
        <p>
            <a class="button button-quiet" href=format!("/customers/import/{id}/errors.csv") download>"Download the error report (CSV)"</a>
            {(count > shown).then(|| view! { <span class="small muted">{format!(" Showing the first {shown}; the report has them all.")}</span> })}
        </p>
        <div class="table-wrap"><table class="table" data-testid="import-errors">
            <thead><tr><th>"Line"</th><th>"Column"</th><th>"Problem"</th></tr></thead>
            <tbody>
                {errors.into_iter().map(|e| view! {
                    <tr><td data-label="Line">{e.line}</td><td data-label="Column">{e.field}</td><td data-label="Problem">{e.message}</td></tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }.into_any()
}

#[cfg(test)]
mod tests {
    #[test]
    fn groups_thousands() {
        assert_eq!(super::grouped(0), "0");
        assert_eq!(super::grouped(999), "999");
        assert_eq!(super::grouped(100000), "100,000");
        assert_eq!(super::grouped(-1234567), "-1,234,567");
    }
}
