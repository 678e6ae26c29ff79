//! `GET /reports/weekly.csv`: the weekly report's figures as a CSV file, for the signed-in staff
//! member allowed that scope.
use app::accounts::guard::{deny, RequestContext};
use app::accounts::Viewer;
use app::imports::csv::escape;
use app::org::scope::StaffScope;
use app::reports::{show, show_change};
use app::state::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/reports/weekly.csv", get(weekly_csv))
}

#[derive(Deserialize, Default)]
struct WeeklyQuery {
    #[serde(default)]
    week: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    associate: String,
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
    let scope = match app::reports::api::access::resolve(&state.db, &viewer, wanted, asked).await {
        Ok(s) => s,
        Err(app::error::AppError::Forbidden) => {
            deny(&state, &ctx).await;
            return super::guard::forbidden_page();
        }
        Err(e) => return e.into_response(),
    };
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
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}
