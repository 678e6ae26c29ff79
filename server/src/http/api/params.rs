//! Query parameters held to the types the OpenAPI document gives them, for every route at once.
//! The list endpoints share their parsers with the pages, where an empty field means "any"; a
//! client of the API reading `customer: integer` should get a 400 for `customer=` or
//! `converted=AAA`, not every row. Read from the generated document, a new route's parameters
//! are checked without anyone listing them.
use app::error::AppError;
use axum::extract::{MatchedPath, Query, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Integer,
    Boolean,
}

/// An operation's typed query parameters, and whether it reports invalid input as 422 with
/// the field named (as it documents) rather than 400.
#[derive(Debug, Default)]
struct Operation {
    params: Vec<(String, Kind)>,
    fields: bool,
}

/// Each operation's typed query parameters, by method and path template.
#[derive(Debug, Default)]
pub struct TypedParams(HashMap<(Method, String), Operation>);

impl TypedParams {
    pub fn from_document(doc: &utoipa::openapi::OpenApi) -> Self {
        let doc = serde_json::to_value(doc).expect("the OpenAPI document serializes");
        let mut typed = HashMap::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, operation) in item.as_object().into_iter().flatten() {
                let Ok(method) = method.to_uppercase().parse::<Method>() else {
                    continue;
                };
                let params: Vec<(String, Kind)> = operation["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["in"] == "query")
                    .filter_map(|p| Some((p["name"].as_str()?.to_owned(), kind(&p["schema"])?)))
                    .collect();
                if !params.is_empty() {
                    let fields = operation["responses"]["422"].is_object();
                    typed.insert((method, path.clone()), Operation { params, fields });
                }
            }
        }
        Self(typed)
    }

    /// The error for the first parameter of `query` that is not of its documented type.
    fn refuse(&self, method: &Method, path: &str, query: &[(String, String)]) -> Option<AppError> {
        let op = self.0.get(&(method.clone(), path.to_owned()))?;
        query.iter().find_map(|(name, value)| {
            let (_, kind) = op.params.iter().find(|(n, _)| n == name)?;
            let (fits, what) = match kind {
                Kind::Integer => (value.parse::<i64>().is_ok(), "a whole number"),
                Kind::Boolean => (matches!(value.as_str(), "true" | "false"), "true or false"),
            };
            (!fits).then(|| match op.fields {
                true => AppError::field(name, format!("Must be {what}.")),
                false => AppError::Request(format!("The parameter '{name}' must be {what}.")),
            })
        })
    }
}

/// `integer` or `boolean`, alone or beside `null`; other types are the handler's to check.
fn kind(schema: &Value) -> Option<Kind> {
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return None,
    };
    types.iter().find_map(|t| match *t {
        "integer" => Some(Kind::Integer),
        "boolean" => Some(Kind::Boolean),
        _ => None,
    })
}

pub async fn check(State(typed): State<Arc<TypedParams>>, req: Request, next: Next) -> Response {
    let Some(path) = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
    else {
        return next.run(req).await;
    };
    let query = match Query::<Vec<(String, String)>>::try_from_uri(req.uri()) {
        Ok(Query(pairs)) => pairs,
        Err(e) => {
            return AppError::Request(format!("The query string is not valid: {}", e.body_text()))
                .into_response()
        }
    };
    match typed.refuse(req.method(), &path, &query) {
        Some(err) => err.into_response(),
        None => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn list_parameters_are_held_to_their_documented_types() {
        let typed = TypedParams::from_document(&super::super::document());
        let refuse = |path: &str, q: &[(&str, &str)]| typed.refuse(&Method::GET, path, &pairs(q));
        assert!(refuse("/api/v1/stories", &[("customer", "")]).is_some());
        assert!(refuse("/api/v1/stories", &[("customer", "x")]).is_some());
        assert!(refuse("/api/v1/referrals", &[("converted", "AAA")]).is_some());
        assert!(refuse("/api/v1/referrals", &[("converted", "1")]).is_some());
        assert!(refuse("/api/v1/follow-ups", &[("reached", "true"), ("team", "3")]).is_none());
        assert!(refuse("/api/v1/feedback", &[("week", ""), ("page", "2")]).is_none());
        assert!(refuse("/api/v1/incidents", &[("page", "99999999999999999999")]).is_some());
        let refusal = refuse("/api/v1/audit", &[("limit", "many")]).unwrap();
        assert_eq!(
            refusal.field_message("limit").as_deref(),
            Some("Must be a whole number.")
        );
        // Every list's page number is typed, so none is missed.
        for path in [
            "/api/v1/incidents",
            "/api/v1/feedback",
            "/api/v1/follow-ups",
            "/api/v1/stories",
        ] {
            assert!(refuse(path, &[("page", "")]).is_some(), "{path}");
        }
    }

    #[test]
    fn every_operation_with_typed_parameters_documents_its_refusal() {
        let doc = serde_json::to_value(super::super::document()).unwrap();
        let typed = TypedParams::from_document(&super::super::document());
        assert!(!typed.0.is_empty());
        for (method, path) in typed.0.keys() {
            let op = &doc["paths"][path][method.as_str().to_lowercase()];
            let documented = ["400", "422"]
                .iter()
                .any(|s| op["responses"][s].is_object());
            assert!(
                documented,
                "{method} {path} does not document how it refuses"
            );
        }
    }
}
