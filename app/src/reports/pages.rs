//! The weekly report page (`/reports/weekly`): one ISO week and one scope, every figure with its
//! change and its records, twelve-week trends drawn on the server, export and print.
use super::api::{load_weekly_report, report_scopes};
use super::{show, show_change, Figure, WeeklyReport};
use crate::components::layout::{LoadError, PageHeader};
use crate::url_encoding::encode;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn WeeklyReportPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |k: &str| query.with(|m| m.get(k).unwrap_or_default());
    let week = move || param("week");
    // The scope menu sends `scope=team=3`; links send `team=3` or `associate=5`.
    let from_menu = move |k: &str| {
        let chosen = param("scope");
        match chosen.split_once('=') {
            Some((key, id)) if key == k => id.to_string(),
            _ => String::new(),
        }
    };
    let team = move || {
        Some(param("team"))
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| from_menu("team"))
    };
    let associate = move || {
        Some(param("associate"))
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| from_menu("associate"))
    };
    let report = Resource::new(
        move || (week(), team(), associate()),
        |(w, t, a)| load_weekly_report(w, t, a),
    );
    let scopes = Resource::new(move || (team(), associate()), |(t, a)| report_scopes(t, a));
    view! {
        <Transition fallback=|| view! { <p class="loading">"Adding up the week…"</p> }>
            {move || Suspend::new(async move {
                let scopes = scopes.await.unwrap_or_default();
                match report.await {
                    Err(e) => view! {
                        <PageHeader title="Weekly report".into()/>
                        <LoadError error=e/>
                        <p><a href="/reports/weekly">"Back to the last complete week"</a></p>
                    }.into_any(),
                    Ok(r) => view! { <Report report=r scopes/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Menu options, the one in view selected.
fn options(options: Vec<super::ScopeOption>, current: &str) -> impl IntoView {
    options
        .into_iter()
        .map(|o| {
            let selected = o.query == current;
            view! { <option value=o.query.clone() selected=selected>{o.label}</option> }
        })
        .collect_view()
}

fn scope_query(r: &WeeklyReport) -> String {
    r.scope.query()
}

fn shift(week: &str, weeks: i64) -> Option<String> {
    let monday = crate::common::moment::parse_week(week).ok()?;
    Some(crate::common::moment::week_label(
        monday + chrono::Duration::days(7 * weeks),
    ))
}

#[component]
fn Report(report: WeeklyReport, scopes: super::ScopeMenu) -> impl IntoView {
    let r = report;
    let scope = scope_query(&r);
    let link = move |week: &str| {
        let mut q = format!("/reports/weekly?week={}", encode(week));
        if !scope.is_empty() {
            q.push('&');
            q.push_str(&scope);
        }
        q
    };
    let prev = shift(&r.week, -1).map(|w| link(&w));
    let next = shift(&r.week, 1).map(|w| link(&w));
    let export = link(&r.week).replace("/reports/weekly?", "/reports/weekly.csv?");
    let export_figures = export.clone();
    let current = scope_query(&r);
    let groups = ["Incidents", "Feedback", "Stories", "Advocacy"];
    let currency = r.currency.clone();
    view! {
        <PageHeader title=format!("Weekly report · {}", r.week)>
            <a class="button button-quiet" href=export_figures download>"Export CSV"</a>
            <crate::components::print::PrintButton/>
        </PageHeader>
        <p class="muted report-scope" data-testid="report-scope">
            {format!("{} · {} to {}", r.scope_name,
                crate::components::time::format_date(r.from),
                crate::components::time::format_date(r.to - 1))}
        </p>
        <form class="toolbar report-controls" method="get" action="/reports/weekly">
            <label for="report-week">"Week"</label>
            <input id="report-week" type="week" name="week" value=r.week.clone()/>
            <label for="report-scope">"For"</label>
            <select id="report-scope" name="scope" data-testid="scope-select">
                {options(scopes.scopes, &current)}
                {(!scopes.people.is_empty()).then(|| view! {
                    <optgroup label=scopes.people_heading.clone()>{options(scopes.people, &current)}</optgroup>
                })}
            </select>
            <button class="button button-quiet" type="submit">"Show"</button>
            {prev.map(|h| view! { <a class="button button-quiet" href=h rel="prev">"← Week before"</a> })}
            {next.map(|h| view! { <a class="button button-quiet" href=h rel="next">"Week after →"</a> })}
        </form>
        {scopes.by_team.then(|| view! {
            <p class="muted small" data-testid="scope-hint">"People are listed by team: choose a team, then one of its people."</p>
        })}
        {
            let left_out: Vec<(String, crate::org::money::Unconverted)> = r
                .figures
                .iter()
                .flat_map(|f| f.unconverted.iter().map(move |u| (f.label.clone(), u.clone())))
                .collect();
            (!left_out.is_empty()).then(|| view! {
                <div class="alert alert-warning" role="status" data-testid="unconverted">
                    <p>{format!("Money figures are in {currency}. Amounts in other currencies with no exchange rate on their date are left out, never added:")}</p>
                    <ul class="plain-list">
                        {left_out.into_iter().map(|(label, u)| view! {
                            <li>{format!("{label}: ")}<a href=u.href.clone()>{u.text()}</a></li>
                        }).collect_view()}
                    </ul>
                </div>
            })
        }
        {groups.into_iter().map(|g| {
            let figures: Vec<Figure> = r.figures.iter().filter(|f| f.group == g).cloned().collect();
            let currency = currency.clone();
            let previous = r.previous_week.clone();
            view! {
                <section class="report-group">
                    <h2>{g}</h2>
                    <div class="figures">
                        {figures.into_iter().map(|f| view! { <ReportFigure figure=f currency=currency.clone() previous=previous.clone()/> }).collect_view()}
                    </div>
                </section>
            }
        }).collect_view()}
        <Lists lists=r.lists.clone() export=export.clone()/>
        {rising_themes(&r)}
        <Trends report=r.clone()/>
        <p class="muted small">"Return on recovery counts orders and referred revenue in the 180 days after recoveries made in the 52 weeks to this week: coincident in time, not proven caused. Figures for a team or a person cover the incidents and follow-ups assigned to them and their stories."</p>
    }
    .into_any()
}

/// The week's rising themes for the organisation or a team (themes are not read per person).
fn rising_themes(r: &WeeklyReport) -> Option<impl IntoView> {
    use crate::org::scope::StaffScope;
    let team = match r.scope {
        StaffScope::Organisation => String::new(),
        StaffScope::Team(t) => t.to_string(),
        StaffScope::Associate(_) => return None,
    };
    let monday = crate::common::moment::parse_week(&r.week).ok()?;
    let sunday = monday + chrono::Duration::days(6);
    Some(view! {
        <crate::themes::pages::RisingThemesCard from=monday.to_string() to=sunday.to_string() team/>
    })
}

#[component]
fn Lists(lists: super::WeeklyLists, export: String) -> impl IntoView {
    view! {
        <section class="report-group report-lists">
            <h2>"Needs attention"</h2>
            <div class="list-grid">
                {lists.lists.into_iter().map(|l| {
                    let csv = format!("{export}&list={}", l.key);
                    let shown = l.rows.len() as i64;
                    let total = if l.more { format!("{}+", l.total) } else { l.total.to_string() };
                    view! {
                        <div class="card report-list" data-list=l.key.clone()>
                            <h3>{format!("{} ({total})", l.title)}</h3>
                            {if l.rows.is_empty() {
                                view! { <p class="muted small">"Nothing here this week."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="plain-list">
                                        {l.rows.into_iter().map(|row| view! {
                                            <li>
                                                <a href=row.href>{row.title}</a>
                                                <span class="small">{format!(" · {}", row.detail)}</span>
                                                {(!row.note.is_empty()).then(|| view! { <span class="small muted">{format!(" · {}", row.note)}</span> })}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <p class="small">
                                {(l.total > shown).then(|| format!("Showing {shown} of {total}. "))}
                                <a href=csv download>"Download CSV"</a>
                            </p>
                        </div>
                    }
                }).collect_view()}
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn ReportFigure(figure: Figure, currency: String, previous: String) -> impl IntoView {
    let f = figure;
    let change = show_change(&f.unit, f.change, &currency);
    let direction = match f.change {
        Some(c) if c > 0.0 => "change-up",
        Some(c) if c < 0.0 => "change-down",
        _ => "change-none",
    };
    let inside = view! {
        <span class="figure-value">{show(&f.unit, f.value, &currency)}</span>
        <span class="figure-label">{f.label.clone()}</span>
        <span class=format!("figure-change {direction}")>{format!("{change} vs {previous}")}</span>
        {f.unconverted.iter().map(|u| view! { <span class="figure-note small">{u.text()}</span> }).collect_view()}
    };
    // A figure whose records are on a page the viewer may not open is shown unlinked.
    if f.href.is_empty() {
        view! { <div class="figure card" data-figure=f.key.clone()>{inside}</div> }.into_any()
    } else {
        view! { <a class="figure card card-link" href=f.href.clone() data-figure=f.key.clone()>{inside}</a> }.into_any()
    }
}

/// Points of a sparkline in a 240×64 box; weeks without a value leave a gap.
fn path(values: &[Option<f64>]) -> (String, Vec<(f64, f64, Option<f64>)>) {
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    let (lo, hi) = present
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let span = if hi > lo { hi - lo } else { 1.0 };
    let step = 228.0 / (values.len().max(2) - 1) as f64;
    let points: Vec<(f64, f64, Option<f64>)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let x = 6.0 + i as f64 * step;
            let y = v.map_or(58.0, |v| 58.0 - (v - lo) / span * 52.0);
            (x, y, *v)
        })
        .collect();
    let mut d = String::new();
    let mut pen_down = false;
    for (x, y, v) in &points {
        if v.is_some() {
            d.push_str(&format!(
                "{}{x:.1},{y:.1} ",
                if pen_down { "L" } else { "M" }
            ));
            pen_down = true;
        } else {
            pen_down = false;
        }
    }
    (d, points)
}

#[component]
fn Trends(report: WeeklyReport) -> impl IntoView {
    let r = report;
    let labels: Vec<(String, String, String)> = r
        .trend_keys
        .iter()
        .map(|k| {
            let f = r.figures.iter().find(|f| &f.key == k);
            (
                k.clone(),
                f.map(|f| f.label.clone()).unwrap_or_default(),
                f.map(|f| f.unit.clone()).unwrap_or_default(),
            )
        })
        .collect();
    let currency = r.currency.clone();
    view! {
        <section class="report-group trends">
            <h2>"Twelve-week trends"</h2>
            <div class="trend-grid">
                {labels.iter().enumerate().map(|(i, (key, label, unit))| {
                    let values: Vec<Option<f64>> = r.trend.iter().map(|w| w.values.get(i).copied().flatten()).collect();
                    let (d, points) = path(&values);
                    let first = r.trend.first().map(|w| w.week.clone()).unwrap_or_default();
                    let last = r.trend.last().map(|w| w.week.clone()).unwrap_or_default();
                    let latest = show(unit, values.last().copied().flatten(), &currency);
                    let summary = format!("{label}, {first} to {last}: {}", values.iter().zip(&r.trend)
                        .map(|(v, w)| format!("{} {}", w.week, show(unit, *v, &currency))).collect::<Vec<_>>().join(", "));
                    // Each point's detail: its week, value and change from the week before.
                    let details: Vec<String> = r.trend.iter().enumerate().map(|(n, w)| {
                        let v = values[n];
                        let before = n.checked_sub(1).and_then(|p| values[p]);
                        let change = match n {
                            0 => String::new(),
                            _ => format!(" ({} on the week before)", show_change(unit, super::metrics::change(v, before), &currency)),
                        };
                        format!("{}: {}{change}", w.week, show(unit, v, &currency))
                    }).collect();
                    let points: Vec<TrendPoint> = points.into_iter().zip(details)
                        .filter_map(|((x, y, v), detail)| v.map(|_| TrendPoint { x, y, detail }))
                        .collect();
                    view! {
                        <TrendChart key=key.clone() label=label.clone() summary d points resting=format!("latest {latest}")/>
                    }
                }).collect_view()}
            </div>
            <details class="trend-table">
                <summary>"Show the trends as a table"</summary>
                <div class="table-wrap"><table class="table">
                    <thead><tr><th>"Week"</th>{labels.iter().map(|(_, l, _)| view! { <th>{l.clone()}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {r.trend.iter().map(|w| view! {
                            <tr>
                                <td data-label="Week">{w.week.clone()}</td>
                                {w.values.iter().zip(&labels).map(|(v, (_, l, unit))| view! { <td data-label=l.clone()>{show(unit, *v, &r.currency)}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table></div>
            </details>
        </section>
    }
    .into_any()
}

/// One point of a trend line and what it says when pointed at or focused.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct TrendPoint {
    x: f64,
    y: f64,
    detail: String,
}

/// A twelve-week trend line whose points tell their week, value and change when hovered or
/// focused: an island, the only part of the report that needs the browser.
#[island]
fn TrendChart(
    key: String,
    label: String,
    summary: String,
    d: String,
    points: Vec<TrendPoint>,
    resting: String,
) -> impl IntoView {
    let (hovered, set_hovered) = signal(None::<String>);
    view! {
        <figure class="trend card" data-trend=key>
            <figcaption>
                <strong>{label}</strong>" "
                <span class="muted small trend-detail" aria-live="polite">
                    {move || hovered.get().unwrap_or_else(|| resting.clone())}
                </span>
            </figcaption>
            <svg viewBox="0 0 240 64" width="240" height="64" role="img" aria-label=summary>
                <line x1="6" y1="58" x2="234" y2="58" class="trend-axis"/>
                <path d=d class="trend-line"/>
                {points.into_iter().map(|p| {
                    let (shown, focused) = (p.detail.clone(), p.detail.clone());
                    view! {
                        <circle cx=format!("{:.1}", p.x) cy=format!("{:.1}", p.y) r="3" class="trend-point" tabindex="0"
                            on:mouseenter=move |_| set_hovered.set(Some(shown.clone()))
                            on:focus=move |_| set_hovered.set(Some(focused.clone()))
                            on:mouseleave=move |_| set_hovered.set(None)
                            on:blur=move |_| set_hovered.set(None)>
                            <title>{p.detail}</title>
                        </circle>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sparklines_leave_gaps_for_empty_weeks() {
        let (d, points) = super::path(&[Some(1.0), None, Some(3.0), Some(2.0)]);
        assert_eq!(points.len(), 4);
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(points[2].1, 6.0, "the highest value is at the top");
        assert_eq!(points[0].1, 58.0, "the lowest at the bottom");
    }
}
