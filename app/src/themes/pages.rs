//! The Themes pages for managers: the themes of a period and scope (`/reports/themes`) with
//! their figures, each number linked to its texts, and one theme's texts
//! (`/reports/themes/:id`) with the choices that shape it: rename, merge, split off a phrase.
use super::api::{
    load_theme_comments, load_themes, MergeTheme, RenameTheme, SplitTheme, TeachThemePhrase,
};
use super::{ThemeComments, ThemeList, ThemeSummary};
use crate::components::flash::Flash;
use crate::components::form::{error_of, FormAlert, TextField};
use crate::components::layout::{EmptyState, LoadError, PageHeader};
use crate::components::pagination::Pagination;
use crate::components::time::format_short;
use crate::url_encoding::encode;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `from=…&to=…&team=…` for links that keep the period and scope.
fn period_query(from: &str, to: &str, team: Option<i64>) -> String {
    format!(
        "from={}&to={}&team={}",
        encode(from),
        encode(to),
        team.map(|t| t.to_string()).unwrap_or_default()
    )
}

fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{v:.1}%"))
}

fn change(now: i64, before: i64) -> String {
    match now - before {
        0 => "no change".to_string(),
        d if d > 0 => format!("+{d}"),
        d => format!("−{}", -d),
    }
}

/// The period `days` days on from `from`..`to` (negative: back).
fn shifted(from: &str, to: &str, forward: bool) -> Option<(String, String)> {
    let f = crate::common::moment::parse_day(from)?;
    let t = crate::common::moment::parse_day(to)?;
    let len = (t - f).num_days() + 1;
    let d = chrono::Duration::days(if forward { len } else { -len });
    Some(((f + d).to_string(), (t + d).to_string()))
}

#[component]
pub fn ThemesPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.with(|m| m.get(k).unwrap_or_default());
    let teach = ServerAction::<TeachThemePhrase>::new();
    let teach_error = error_of(teach.value());
    let data = Resource::new(
        move || (get("from"), get("to"), get("team"), teach.version().get()),
        |(from, to, team, _)| load_themes(from, to, team),
    );
    view! {
        <Flash/>
        <Transition fallback=|| view! { <p class="loading">"Reading what customers said…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! {
                        <PageHeader title="Themes".into()/>
                        <LoadError error=e/>
                        <p><a href="/reports/themes">"Back to the last complete week"</a></p>
                    }.into_any(),
                    Ok(list) => view! { <ThemesView list/> }.into_any(),
                }
            })}
        </Transition>
        <section class="card" id="vocabulary">
            <h2>"Teach the vocabulary"</h2>
            <p class="hint">"Themes know common service words. Add how your customers say something (a product name, a local term) and every text that says it joins that theme, past and future."</p>
            <ActionForm action=teach attr:class="form">
                <FormAlert error=teach_error/>
                <TextField label="What it is about (e.g. late delivery)" name="concept" required=true autocomplete="off" error=teach_error/>
                <TextField label="A way customers say it (e.g. parcel went walkabout)" name="phrase" required=true autocomplete="off" error=teach_error/>
                <div class="form-actions"><button class="button" type="submit">"Add to vocabulary"</button></div>
            </ActionForm>
        </section>
    }
}

#[component]
fn ThemesView(list: ThemeList) -> impl IntoView {
    let q = period_query(&list.from, &list.to, list.team);
    let link =
        |from: &str, to: &str| format!("/reports/themes?{}", period_query(from, to, list.team));
    let prev = shifted(&list.from, &list.to, false).map(|(f, t)| link(&f, &t));
    let next = shifted(&list.from, &list.to, true).map(|(f, t)| link(&f, &t));
    let rising: Vec<ThemeSummary> = list.themes.iter().filter(|t| t.rising).cloned().collect();
    let themed = list.texts - list.unthemed;
    view! {
        <PageHeader title="Themes".into()>
            <a class="button button-quiet" href="#vocabulary">"Teach the vocabulary"</a>
        </PageHeader>
        <p class="muted" data-testid="themes-summary">
            {format!("{} to {} · {} texts read (feedback comments, what customers said on follow-ups, incident descriptions), {} in a theme, {} in none.",
                list.from, list.to, list.texts, themed, list.unthemed)}
        </p>
        <form class="toolbar report-controls" method="get" action="/reports/themes">
            <label for="themes-from">"From"</label>
            <input id="themes-from" type="date" name="from" value=list.from.clone()/>
            <label for="themes-to">"To"</label>
            <input id="themes-to" type="date" name="to" value=list.to.clone()/>
            <label for="themes-team">"For"</label>
            <select id="themes-team" name="team">
                <option value="" selected=list.team.is_none()>"Whole organisation"</option>
                {list.teams.iter().map(|t| view! {
                    <option value=t.id selected=list.team == Some(t.id)>{format!("Team {}", t.name)}</option>
                }).collect_view()}
            </select>
            <button class="button button-quiet" type="submit">"Show"</button>
            {prev.map(|h| view! { <a class="button button-quiet" href=h rel="prev">"← Before"</a> })}
            {next.map(|h| view! { <a class="button button-quiet" href=h rel="next">"After →"</a> })}
        </form>
        {(!rising.is_empty()).then(|| view! { <RisingThemes themes=rising query=q.clone()/> })}
        {if list.themes.is_empty() {
            view! {
                <EmptyState title="No themes in this period">
                    <p>"Themes form when two or more texts share what they are about. Choose a longer period, or another team."</p>
                </EmptyState>
            }.into_any()
        } else {
            let q = q.clone();
            view! {
                <div class="table-wrap">
                    <table class="table" data-testid="themes-table">
                        <thead><tr>
                            <th>"Theme"</th><th class="num">"Texts"</th><th class="num">"Change"</th>
                            <th class="num">"Lukewarm"</th><th class="num">"Unhappy"</th>
                            <th class="num">"NPS"</th><th class="num">"CSAT"</th>
                            <th>"Incident categories"</th><th>"What customers said"</th>
                        </tr></thead>
                        <tbody>
                            {list.themes.into_iter().map(|t| {
                                let base = format!("/reports/themes/{}?{q}", t.id);
                                let lukewarm = format!("{base}&assessment=lukewarm");
                                let unhappy = format!("{base}&assessment=unhappy");
                                let answers = format!("{base}&kind=feedback");
                                view! {
                                    <tr data-testid="theme-row">
                                        <td data-label="Theme">
                                            <a href=base.clone()>{t.name.clone()}</a>
                                            {t.rising.then(|| view! { <span class="badge badge-warn">"Rising"</span> })}
                                            <div class="muted small">{t.phrases.iter().take(4).cloned().collect::<Vec<_>>().join(", ")}</div>
                                        </td>
                                        <td data-label="Texts" class="num"><a href=base.clone() data-testid="theme-count">{t.count}</a></td>
                                        <td data-label="Change" class="num" title=format!("{} in the period before; usually {:.1}", t.previous_count, t.usual_count)>{change(t.count, t.previous_count)}</td>
                                        <td data-label="Lukewarm" class="num"><a href=lukewarm>{percent(t.lukewarm_share)}</a></td>
                                        <td data-label="Unhappy" class="num"><a href=unhappy>{percent(t.unhappy_share)}</a></td>
                                        <td data-label="NPS" class="num"><a href=answers.clone()>{t.nps.map_or("—".to_string(), |n| n.to_string())}</a></td>
                                        <td data-label="CSAT" class="num"><a href=answers>{percent(t.csat)}</a></td>
                                        <td data-label="Incident categories">
                                            {t.categories.iter().map(|c| view! {
                                                <a class="chip" href=format!("{base}&category={}", c.id)>{format!("{} {}", c.name, c.count)}</a>
                                            }).collect_view()}
                                        </td>
                                        <td data-label="What customers said">
                                            {t.samples.first().map(|s| view! { <q class="verbatim">{s.clone()}</q> })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <p class="hint">"A text joins the theme of its strongest shared phrase (and a second theme it names a service concept of). Lukewarm and unhappy are shares of the feedback answers in the theme, as assessed when they arrived. Change compares with the period of the same length before."</p>
            }.into_any()
        }}
    }
}

/// Themes well above their usual volume, each with one step to act on it.
#[component]
pub fn RisingThemes(themes: Vec<ThemeSummary>, query: String) -> impl IntoView {
    view! {
        <section class="card rising-themes" data-testid="rising-themes">
            <h2>"Rising themes"</h2>
            <ul class="plain-list">
                {themes.into_iter().map(|t| view! {
                    <li>
                        <a href=format!("/reports/themes/{}?{query}", t.id) data-testid="rising-theme">{t.name.clone()}</a>
                        {format!(" · {} texts, usually {:.1} ", t.count, t.usual_count)}
                        <a class="button button-quiet" href=format!("/incidents/settings?category_name={}#add-category", encode(&t.name))>"Make an incident category"</a>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The rising themes of a period and team, for managers (nothing for others, or when none rise).
#[component]
pub fn RisingThemesCard(from: String, to: String, team: String) -> impl IntoView {
    let rising = Resource::new(
        move || (from.clone(), to.clone(), team.clone()),
        |(f, t, team)| super::api::load_rising_themes(f, t, team),
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                rising.await.ok().flatten().filter(|l| !l.themes.is_empty()).map(|l| {
                    let query = period_query(&l.from, &l.to, l.team);
                    view! { <RisingThemes themes=l.themes query/> }
                })
            })}
        </Transition>
    }
}

#[component]
pub fn ThemePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let get = move |k: &str| query.with(|m| m.get(k).unwrap_or_default());
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let page = move || get("page").parse::<i64>().unwrap_or(1).max(1);
    let rename = ServerAction::<RenameTheme>::new();
    let merge = ServerAction::<MergeTheme>::new();
    let split = ServerAction::<SplitTheme>::new();
    const KEYS: [&str; 6] = ["from", "to", "team", "kind", "assessment", "category"];
    let data = Resource::new(
        move || {
            (
                id(),
                KEYS.map(get),
                page(),
                rename.version().get(),
                split.version().get(),
            )
        },
        |(id, [from, to, team, kind, assessment, category], page, _, _)| {
            load_theme_comments(id, from, to, team, kind, assessment, category, page)
        },
    );
    let errors = (
        error_of(rename.value()),
        error_of(merge.value()),
        error_of(split.value()),
    );
    view! {
        <Flash/>
        <Transition fallback=|| view! { <p class="loading">"Finding the theme's texts…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! {
                        <PageHeader title="Theme".into()/>
                        <LoadError error=e/>
                        <p><a href="/reports/themes">"All themes"</a></p>
                    }.into_any(),
                    Ok(c) => view! { <ThemeView c rename merge split errors/> }.into_any(),
                }
            })}
        </Transition>
    }
}

type Errors = (
    crate::components::form::FormError,
    crate::components::form::FormError,
    crate::components::form::FormError,
);

#[component]
fn ThemeView(
    c: ThemeComments,
    rename: ServerAction<RenameTheme>,
    merge: ServerAction<MergeTheme>,
    split: ServerAction<SplitTheme>,
    errors: Errors,
) -> impl IntoView {
    let (rename_error, merge_error, split_error) = errors;
    let q = period_query(&c.from, &c.to, c.team);
    let base = {
        let mut b = format!("/reports/themes/{}?{q}", c.theme.id);
        for (k, v) in [
            ("kind", c.kind.clone()),
            ("assessment", c.assessment.clone()),
            ("category", c.category.map(|c| c.to_string())),
        ] {
            if let Some(v) = v {
                b.push_str(&format!("&{k}={}", encode(&v)));
            }
        }
        b.push('&');
        b
    };
    let narrowed = [
        c.kind
            .clone()
            .map(|k| format!("only {}", k.replace('_', "-"))),
        c.assessment.clone().map(|a| format!("{a} answers")),
        c.category.map(|_| "one incident category".to_string()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>();
    let period = (
        c.from.clone(),
        c.to.clone(),
        c.team.map(|t| t.to_string()).unwrap_or_default(),
    );
    let (for_rename, for_split, for_merge) = (period.clone(), period.clone(), period);
    let all_href = format!("/reports/themes?{q}");
    let show_all = format!("/reports/themes/{}?{q}", c.theme.id);
    let id = c.theme.id;
    let several = c.theme.phrases.len() > 1;
    view! {
        <PageHeader title=c.theme.name.clone()>
            <a class="button button-quiet" href=all_href>"All themes"</a>
        </PageHeader>
        <p class="muted" data-testid="theme-scope">
            {format!("{} to {} · {} texts{}", c.from, c.to, c.total,
                if narrowed.is_empty() { String::new() } else { format!(" ({})", narrowed.join(", ")) })}
            {(!narrowed.is_empty()).then(|| view! { " · " <a href=show_all.clone()>"Show all"</a> })}
        </p>
        {if c.items.is_empty() {
            view! {
                <EmptyState title="No texts in this theme for this period">
                    <p>"Choose another period on the themes page; the theme keeps its phrases and collects texts that say them."</p>
                </EmptyState>
            }.into_any()
        } else {
            view! {
                <ul class="theme-texts" data-testid="theme-texts">
                    {c.items.into_iter().map(|t| view! {
                        <li class="card theme-text" data-testid="theme-text">
                            <p class="verbatim">{t.text.clone()}</p>
                            <p class="muted small">
                                <span class="badge">{match t.kind.as_str() { "feedback" => "Feedback", "follow_up" => "Follow-up", _ => "Incident" }}</span>
                                " "
                                <a href=t.link.clone()>{format!("#{}", t.id)}</a>
                                " · "
                                <a href=format!("/customers/{}", t.customer_id)>{t.customer_name.clone()}</a>
                                {t.score.map(|s| format!(" · {} {s}", t.score_type.clone().unwrap_or_default().to_uppercase()))}
                                {t.assessment.clone().map(|a| format!(" · {a}"))}
                                {t.category.clone().map(|a| format!(" · {a}"))}
                                {format!(" · {}", format_short(t.at))}
                            </p>
                            <p class="small" data-testid="because">"Because it says: " {t.because.iter().map(|w| view! { <mark>{w.clone()}</mark> " " }).collect_view()}</p>
                        </li>
                    }).collect_view()}
                </ul>
                <Pagination page=c.page per_page=c.page_size total=c.total base=base.clone()/>
            }.into_any()
        }}
        <section class="card">
            <h2>"Shape this theme"</h2>
            <p class="hint">"Choices here apply to every text from now on, in every period."</p>
            <ActionForm action=rename attr:class="form">
                <FormAlert error=rename_error/>
                <input type="hidden" name="id" value=id/>
                {hidden_period(for_rename)}
                <TextField label="Name" name="name" value=c.theme.name.clone() required=true autocomplete="off" error=rename_error/>
                <div class="form-actions"><button class="button" type="submit">"Rename"</button></div>
            </ActionForm>
            <h3>"Phrases"</h3>
            <FormAlert error=split_error/>
            <ul class="plain-list theme-phrases" data-testid="theme-phrases">
                {c.theme.phrases.into_iter().map(|p| {
                    let period = for_split.clone();
                    view! {
                    <li>
                        <span>{p.shown.clone()}</span>
                        {several.then(|| view! {
                            <ActionForm action=split attr:class="inline-form">
                                <input type="hidden" name="id" value=id/>
                                <input type="hidden" name="phrase" value=p.key.clone()/>
                                {hidden_period(period.clone())}
                                <button class="button button-quiet" type="submit">{format!("Split off “{}”", p.shown)}</button>
                            </ActionForm>
                        })}
                    </li>
                }}).collect_view()}
            </ul>
            {(!c.others.is_empty()).then(|| view! {
                <ActionForm action=merge attr:class="form">
                    <FormAlert error=merge_error/>
                    <input type="hidden" name="id" value=id/>
                    {hidden_period(for_merge.clone())}
                    <div class="field">
                        <label for="f-into">"Merge into"</label>
                        <select id="f-into" name="into">
                            <option value="">"Choose a theme"</option>
                            {c.others.into_iter().map(|o| view! { <option value=o.id>{o.name}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="form-actions"><button class="button" type="submit">"Merge"</button></div>
                </ActionForm>
            })}
        </section>
    }
}

/// The period and team in view, sent with a theme choice so the page comes back to them.
fn hidden_period((from, to, team): (String, String, String)) -> impl IntoView {
    view! {
        <input type="hidden" name="from" value=from/>
        <input type="hidden" name="to" value=to/>
        <input type="hidden" name="team" value=team/>
    }
}
