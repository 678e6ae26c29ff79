//! The frame of the OpenAPI 3 document of `/api/v1`: title, authentication and the types no
//! handler names. Paths and their types are generated from the routes; served at
//! `/api/openapi.json`.
use app::error::ErrorBody;
use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// Who a token belongs to.
#[derive(Serialize, ToSchema)]
pub struct WhoAmI {
    pub token: TokenInfo,
}

#[derive(Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
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

/// The document's frame: what the paths generated from the routes (`super::protected`) sit in.
#[derive(OpenApi)]
#[openapi(
    info(title = "Extra Mile API", description = "Send service signals, survey answers, customers and orders; read incidents, feedback, loyalty profiles and the weekly report. Authenticate with `Authorization: Bearer em_…` (Admin → API tokens). Every error is sent as one JSON shape, `ErrorBody`. Batches hold 1 to 1,000 items and are stored whole or refused whole (400, code `refused`, every problem by item and field)."),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

/// Every array a route reads is a batch: states its bounds (1 to 1,000 items) on each.
pub fn bound_batches(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{RefOr, Schema};
    for item in doc.paths.paths.values_mut() {
        for operation in [&mut item.post, &mut item.put, &mut item.patch]
            .into_iter()
            .flatten()
        {
            let Some(body) = operation.request_body.as_mut() else {
                continue;
            };
            for content in body.content.values_mut() {
                if let Some(RefOr::T(Schema::Array(array))) = content.schema.as_mut() {
                    array.min_items = Some(1);
                    array.max_items = Some(app::common::batch::MAX_BATCH);
                }
            }
        }
    }
}
