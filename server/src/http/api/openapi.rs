//! The OpenAPI 3 document of `/api/v1`, generated from the handlers and types, served at
//! `/api/openapi.json`.
use axum::Json;
use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// An amount of money as a decimal string (never a float) with its currency.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MoneyIn {
    #[schema(example = "3.99")]
    amount: String,
    #[schema(example = "USD")]
    currency: String,
}

/// One service-quality observation about a customer and a subject.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SignalIn {
    /// Unique per signal at the sender; re-sending the same key changes nothing.
    #[schema(example = "src-81723")]
    idempotency_key: String,
    #[schema(example = "playback.rebuffer_ratio")]
    kind: String,
    /// The customer's external reference or email. Unknown customers are created from it.
    #[schema(example = "c-1001")]
    customer: String,
    #[schema(example = "rental-987")]
    subject: Option<String>,
    #[schema(example = 0.18)]
    value: f64,
    #[schema(example = "ratio")]
    unit: Option<String>,
    amount_at_stake: Option<MoneyIn>,
    #[schema(example = "2026-11-20T21:14:00Z", format = DateTime)]
    observed_at: String,
}

/// The result of a stored batch, one item per signal in order.
#[derive(Serialize, ToSchema)]
pub struct BatchResult {
    items: Vec<app::signals::ingest::ItemResult>,
}

/// Every error: a message, and for refused batches the problems per item and field.
#[derive(Serialize, ToSchema)]
pub struct ApiError {
    #[schema(example = "The batch was refused: 1 of 2 signals are invalid; nothing was stored.")]
    error: String,
    items: Option<Vec<app::signals::input::ItemError>>,
}

/// Who a token belongs to.
#[derive(Serialize, ToSchema)]
pub struct WhoAmI {
    token: TokenInfo,
}

#[derive(Serialize, ToSchema)]
pub struct TokenInfo {
    id: i64,
    name: String,
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Extra Mile API", description = "Send service signals, survey answers, customers and orders; read incidents, feedback, loyalty profiles and the weekly report. Authenticate with `Authorization: Bearer em_…` (Admin → API tokens)."),
    paths(super::whoami, super::signals::ingest, super::incidents::list, super::incidents::get, super::feedback::create, super::feedback::get, super::loyalty::customers, super::loyalty::orders, super::loyalty::profile, super::reports::weekly),
    components(schemas(SignalIn, MoneyIn, BatchResult, ApiError, WhoAmI, TokenInfo, super::incidents::ApiIncident, super::feedback::FeedbackItem, super::feedback::FeedbackBatchResult, app::feedback::ingest::FeedbackResult, app::feedback::ingest::FollowUpRef, app::feedback::Reason, super::loyalty::CustomerItem, super::loyalty::OrderItem, super::loyalty::CustomerBatchResult, super::loyalty::OrderBatchResult, app::customers::bulk::CustomerResult, app::loyalty::orders::OrderResult, app::loyalty::LoyaltyProfile, app::loyalty::RecoveryRow, app::loyalty::RecoveryReturn, app::loyalty::AnswerPoint, app::loyalty::Segment, app::loyalty::ReferralRow, app::loyalty::PostRow, app::loyalty::TimelineItem, super::reports::ApiWeeklyReport, super::reports::ApiScope, app::reports::Figure, app::reports::TrendWeek, app::reports::List, app::reports::ListRow)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
