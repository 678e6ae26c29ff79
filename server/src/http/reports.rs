//! `GET /reports/weekly.csv`: the weekly report's figures as a CSV file, for the signed-in staff
//! member allowed that scope.
use app::accounts::guard::{deny, RequestContext};
use app::accounts::Viewer;
use app::imports::csv::escape;
use app::org::scope::StaffScope;
use app::reports::{show, show_change};
use app::state::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports/weekly.csv", get(weekly_csv))
        .route("/reports/playbook.csv", get(playbook_csv))
}

#[derive(Deserialize, Default)]
struct PlaybookQuery {
    #[serde(default)]
    category: String,
    #[serde(default)]
    severity: String,
}

/// `GET /reports/playbook.csv`: every cell of the playbook, for managers.
async fn playbook_csv(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(q): Query<PlaybookQuery>,
) -> Response {
    let Some(Viewer::Staff(viewer)) = ctx.viewer.clone() else {
        return Redirect::to("/login?next=/reports/playbook").into_response();
    };
    if !viewer.role.at_least(app::accounts::Role::Manager) {
        deny(&state, &ctx).await;
        return super::guard::forbidden_page();
    }
    let built = async {
        let filter =
            app::playbook::cases::Filter::parse(&state.db, &q.category, &q.severity).await?;
        app::playbook::cases::playbook(&state.db, &filter, app::db::now_ms()).await
    };
    let book = match built.await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let category = book
        .category
        .as_ref()
        .map_or("All categories".to_string(), |c| c.name.clone());
    let severity = book.severity.clone().unwrap_or_else(|| "any".into());
    let mut body =
        "category,severity,breakdown,approach,cases,outcome,count,of,rate,low,high\r\n".to_string();
    let mut rows = vec![("baseline", &book.baseline)];
    rows.extend(book.approaches.iter().map(|r| ("approach", r)));
    for g in &book.groups {
        rows.extend(g.rows.iter().map(|r| (g.key.as_str(), r)));
    }
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for (breakdown, r) in rows {
        for c in &r.outcomes {
            body.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{}\r\n",
                escape(&category),
                severity,
                breakdown,
                escape(&r.label),
                r.cases,
                c.outcome,
                c.count,
                c.of,
                opt(c.rate),
                opt(c.low),
                opt(c.high),
            ));
        }
    }
    super::csv_attachment("recovery-playbook.csv", body)
}

#[derive(Deserialize, Default)]
struct WeeklyQuery {
    #[serde(default)]
    week: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    associate: String,
    /// One of the report's lists instead of its figures.
    #[serde(default)]
    list: String,
}

async fn weekly_csv(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(q): Query<WeeklyQuery>,
) -> Response {
    let Some(Viewer::Staff(viewer)) = ctx.viewer.clone() else {
        return Redirect::to("/login?next=/reports/weekly").into_response();
    };
    let wanted = match StaffScope::parse(&q.team, &q.associate) {
        Ok(s) => s,
        Err(m) => return app::error::AppError::field("scope", m).into_response(),
    };
    let asked = !q.team.is_empty() || !q.associate.is_empty();
    let scope = match app::reports::access::resolve(&state.db, &viewer, wanted, asked).await {
        Ok(s) => s,
        Err(app::error::AppError::Forbidden) => {
            deny(&state, &ctx).await;
            return super::guard::forbidden_page();
        }
        Err(e) => return e.into_response(),
    };
    if !q.list.is_empty() {
        return list_csv(&state, &q, scope).await;
    }
    let report =
        match app::reports::weekly::report(&state.db, &q.week, scope, app::db::now_ms()).await {
            Ok(r) => r,
            Err(e) => return e.into_response(),
        };
    let cur = &report.currency;
    let mut body = format!(
        "week,scope,group,figure,value,{},change,unit,value_raw,previous_raw\r\n",
        report.previous_week
    );
    for f in &report.figures {
        let raw = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        body.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\r\n",
            report.week,
            escape(&report.scope_name),
            escape(&f.group),
            escape(&f.label),
            escape(&show(&f.unit, f.value, cur)),
            escape(&show(&f.unit, f.previous, cur)),
            escape(&show_change(&f.unit, f.change, cur)),
            f.unit,
            raw(f.value),
            raw(f.previous),
        ));
    }
    let file = format!("weekly-report-{}.csv", report.week);
    super::csv_attachment(&file, body)
}

/// Every row (up to the export limit) of one of the report's lists.
async fn list_csv(state: &AppState, q: &WeeklyQuery, scope: StaffScope) -> Response {
    use app::reports::lists;
    let Some((key, _)) = lists::LISTS.iter().find(|(k, _)| *k == q.list) else {
        return app::error::AppError::field("list", "no such list on the weekly report")
            .into_response();
    };
    let now = app::db::now_ms();
    let found = async {
        let tz = app::org::clock::time_zone(&state.db).await?;
        let monday = app::reports::weekly::week_of(&q.week, tz, now)?;
        let all = lists::for_week(&state.db, tz, monday, scope, lists::EXPORT_ROWS, now).await?;
        Ok::<_, app::error::AppError>((app::common::moment::week_label(monday), all))
    }
    .await;
    let (week, all) = match found {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let mut body = String::from("week,list,item,detail,note,link\r\n");
    for list in all.lists.iter().filter(|l| l.key == *key) {
        for row in &list.rows {
            body.push_str(&format!(
                "{week},{},{},{},{},{}\r\n",
                escape(&list.title),
                escape(&row.title),
                escape(&row.detail),
                escape(&row.note),
                escape(&row.href)
            ));
        }
    }
    super::csv_attachment(&format!("weekly-report-{week}-{key}.csv"), body)
}
