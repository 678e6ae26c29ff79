//! `GET /api/v1/referrals`, `GET /api/v1/posts` and `GET /api/v1/referral-revenue`: the
//! organisation's word of mouth, filtered as the weekly report's advocacy figures count it.
use app::error::{AppError, ErrorBody};
use app::loyalty::referral_revenue::{self, RevenuePage};
use app::loyalty::word_of_mouth::{self, ListPage, PostItem, ReferralItem, WordOfMouthQuery};
use app::state::AppState;
use axum::extract::{Query, State};
use axum::Json;

type Params = Result<Query<WordOfMouthQuery>, axum::extract::rejection::QueryRejection>;

/// Referrals, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/referrals",
    tag = "loyalty",
    params(
        ("week" = Option<String>, Query, description = "ISO week the referral was made, e.g. 2026-W47"),
        ("converted" = Option<bool>, Query, description = "only referrals that converted"),
        ("assignee" = Option<i64>, Query, description = "attributed to this staff id: the incident's assignee, else the story's associate"),
        ("team" = Option<i64>, Query, description = "attributed to a current member of this team"),
        ("page" = Option<i64>, Query, description = "page number, 25 per page"),
    ),
    responses(
        (status = 200, description = "One page of referrals and how many match", body = ListPage<ReferralItem>),
        (status = 400, description = "A parameter is not valid", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
    )
)]
pub async fn referrals(
    State(state): State<AppState>,
    query: Params,
) -> Result<Json<ListPage<ReferralItem>>, AppError> {
    let filter = super::query(query)?
        .filter(&state.db)
        .await
        .map_err(super::as_request)?;
    Ok(Json(word_of_mouth::referrals(&state.db, &filter).await?))
}

/// Reviews, posts and testimonials, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/posts",
    tag = "loyalty",
    params(
        ("week" = Option<String>, Query, description = "ISO week it was posted, e.g. 2026-W47"),
        ("assignee" = Option<i64>, Query, description = "attributed to this staff id: the incident's assignee, else the story's associate"),
        ("team" = Option<i64>, Query, description = "attributed to a current member of this team"),
        ("page" = Option<i64>, Query, description = "page number, 25 per page"),
    ),
    responses(
        (status = 200, description = "One page of posts and how many match", body = ListPage<PostItem>),
        (status = 400, description = "A parameter is not valid", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
    )
)]
pub async fn posts(
    State(state): State<AppState>,
    query: Params,
) -> Result<Json<ListPage<PostItem>>, AppError> {
    let filter = super::query(query)?
        .filter(&state.db)
        .await
        .map_err(super::as_request)?;
    Ok(Json(word_of_mouth::posts(&state.db, &filter).await?))
}

/// The amounts behind referral revenue, newest first: every order of a referred customer and
/// the revenue recorded for referred prospects, each converted at the rate of its day.
#[utoipa::path(
    get,
    path = "/api/v1/referral-revenue",
    tag = "loyalty",
    params(
        ("week" = Option<String>, Query, description = "ISO week the order was placed or the prospect referred, e.g. 2026-W47"),
        ("currency" = Option<String>, Query, description = "only amounts in this currency (ISO 4217)"),
        ("assignee" = Option<i64>, Query, description = "attributed to this staff id: the referral's incident's assignee, else its story's associate"),
        ("team" = Option<i64>, Query, description = "attributed to a current member of this team"),
        ("page" = Option<i64>, Query, description = "page number, 25 per page"),
    ),
    responses(
        (status = 200, description = "One page of amounts and how many match", body = RevenuePage),
        (status = 400, description = "A parameter is not valid", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
    )
)]
pub async fn referral_revenue(
    State(state): State<AppState>,
    query: Params,
) -> Result<Json<RevenuePage>, AppError> {
    let filter = super::query(query)?
        .filter(&state.db)
        .await
        .map_err(super::as_request)?;
    Ok(Json(referral_revenue::revenue(&state.db, &filter).await?))
}
