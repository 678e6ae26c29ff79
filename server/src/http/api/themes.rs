//! `GET /api/v1/themes` and `GET /api/v1/themes/{id}/comments`: the themes of what customers
//! said in a period, and the texts behind one, as the Themes page shows them.
use app::error::{AppError, ErrorBody};
use app::state::AppState;
use app::themes::{ThemeComments, ThemeInfo, ThemeList, ThemeSummary, ThemeText};
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ThemesQuery {
    pub from: String,
    pub to: String,
    pub team: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CommentsQuery {
    pub from: String,
    pub to: String,
    pub team: String,
    pub kind: String,
    pub assessment: String,
    pub category: String,
    pub page: Option<i64>,
}

/// The themes of a period, largest first.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiThemes {
    /// The period's first and last day (both included), organisation time.
    #[schema(example = "2026-11-23")]
    from: String,
    #[schema(example = "2026-11-29")]
    to: String,
    team: Option<i64>,
    /// Texts read in the period, and those in no theme.
    texts: i64,
    unthemed: i64,
    themes: Vec<ThemeSummary>,
}

impl From<ThemeList> for ApiThemes {
    fn from(l: ThemeList) -> Self {
        Self {
            from: l.from,
            to: l.to,
            team: l.team,
            texts: l.texts,
            unthemed: l.unthemed,
            themes: l.themes,
        }
    }
}

/// One page of a theme's texts in a period, newest first.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiThemeComments {
    theme: ThemeInfo,
    from: String,
    to: String,
    team: Option<i64>,
    kind: Option<String>,
    assessment: Option<String>,
    category: Option<i64>,
    items: Vec<ThemeText>,
    total: i64,
    page: i64,
    page_size: i64,
}

impl From<ThemeComments> for ApiThemeComments {
    fn from(c: ThemeComments) -> Self {
        Self {
            theme: c.theme,
            from: c.from,
            to: c.to,
            team: c.team,
            kind: c.kind,
            assessment: c.assessment,
            category: c.category,
            items: c.items,
            total: c.total,
            page: c.page,
            page_size: c.page_size,
        }
    }
}

/// The themes of feedback comments, what customers said on follow-ups and incident
/// descriptions in a period (default: the last complete week), largest first, each with its
/// volume, change, lukewarm share, NPS/CSAT, incident categories and the ids of its texts.
#[utoipa::path(
    get,
    path = "/api/v1/themes",
    tag = "themes",
    params(
        ("from" = Option<String>, Query, description = "first day, YYYY-MM-DD (organisation time)"),
        ("to" = Option<String>, Query, description = "last day, included, YYYY-MM-DD; at most 366 days after `from`"),
        ("team" = Option<i64>, Query, description = "texts handled by current members of this team"),
    ),
    responses(
        (status = 200, description = "The themes of the period", body = ApiThemes),
        (status = 400, description = "A parameter is not valid", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    query: Result<Query<ThemesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ApiThemes>, AppError> {
    let q = super::query(query)?;
    let scope = app::themes::api::scope_of(&q.team).map_err(super::as_request)?;
    let list = app::themes::report::list(&state.db, (&q.from, &q.to), scope, app::db::now_ms())
        .await
        .map_err(super::as_request)?;
    Ok(Json(list.into()))
}

/// The texts of one theme in a period, newest first, 25 per page, each with the words that
/// put it in the theme. A merged theme's id answers with the theme it joined.
#[utoipa::path(
    get,
    path = "/api/v1/themes/{id}/comments",
    tag = "themes",
    params(
        ("id" = i64, Path, description = "theme id"),
        ("from" = Option<String>, Query, description = "first day, YYYY-MM-DD (organisation time)"),
        ("to" = Option<String>, Query, description = "last day, included, YYYY-MM-DD"),
        ("team" = Option<i64>, Query, description = "texts handled by current members of this team"),
        ("kind" = Option<String>, Query, description = "feedback, follow_up or incident"),
        ("assessment" = Option<String>, Query, description = "feedback answers assessed unhappy, lukewarm or fine"),
        ("category" = Option<i64>, Query, description = "texts linked to this incident category"),
        ("page" = Option<i64>, Query, description = "page number, 25 per page"),
    ),
    responses(
        (status = 200, description = "One page of the theme's texts", body = ApiThemeComments),
        (status = 400, description = "A parameter is not valid", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 404, description = "No such theme", body = ErrorBody),
    )
)]
pub async fn comments(
    State(state): State<AppState>,
    Path(id): Path<String>,
    query: Result<Query<CommentsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ApiThemeComments>, AppError> {
    let id = super::path_id(&id, "theme")?;
    let q = super::query(query)?;
    let scope = app::themes::api::scope_of(&q.team).map_err(super::as_request)?;
    let filter = app::themes::report::TextFilter::parse(&q.kind, &q.assessment, &q.category)
        .map_err(super::as_request)?;
    let comments = app::themes::report::comments(
        &state.db,
        id,
        (&q.from, &q.to),
        scope,
        &filter,
        q.page.unwrap_or(1),
        app::db::now_ms(),
    )
    .await
    .map_err(super::as_request)?;
    Ok(Json(comments.into()))
}
