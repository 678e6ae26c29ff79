//! The one error type of the product: user-facing variants carry a clear message and an HTTP
//! status; internal failures are logged where they happen and reach the client only as an opaque
//! message with a request id.
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// One field that failed validation, with a message for the person who typed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{message}")]
    Validation {
        message: String,
        fields: Vec<FieldError>,
    },
    #[error("{0}")]
    Conflict(String),
    #[error("{0} was not found.")]
    NotFound(String),
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You do not have permission to do that.")]
    Forbidden,
    #[error("{0}")]
    TooManyRequests(String),
    #[error("Something went wrong on our side (request {request_id}). Please try again.")]
    Internal { request_id: String },
    #[error("{0}")]
    Request(String),
}

impl AppError {
    /// A validation failure made of field errors.
    pub fn fields(fields: Vec<FieldError>) -> Self {
        let message = if fields.len() == 1 {
            "Please correct the highlighted field.".to_string()
        } else {
            format!("Please correct the {} highlighted fields.", fields.len())
        };
        Self::Validation { message, fields }
    }

    /// A validation failure about one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::fields(vec![FieldError::new(field, message)])
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::Validation { .. } => 422,
            Self::Conflict(_) => 409,
            Self::NotFound(_) => 404,
            Self::Unauthenticated => 401,
            Self::Forbidden => 403,
            Self::TooManyRequests(_) => 429,
            Self::Internal { .. } => 500,
            Self::Request(_) => 400,
        }
    }

    /// An optional id typed in a form or URL ("" = none).
    pub fn optional_id(value: &str, field: &str) -> Result<Option<i64>, AppError> {
        match value.trim() {
            "" => Ok(None),
            v => v
                .parse()
                .map(Some)
                .map_err(|_| AppError::field(field, "That is not a valid choice.")),
        }
    }

    /// The message for one field, if that field failed.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            Self::Validation { fields, .. } => {
                // Forms that post a struct name their inputs `form[field]`.
                let bare = field
                    .strip_prefix("form[")
                    .and_then(|f| f.strip_suffix(']'))
                    .unwrap_or(field);
                fields
                    .iter()
                    .find(|f| f.field == bare)
                    .map(|f| f.message.clone())
            }
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::Deserialization(msg) => {
                Self::Request(format!("The request could not be read: {msg}"))
            }
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => {
                Self::Request("The server could not be reached. Check your connection.".into())
            }
            other => Self::Request(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;

    impl AppError {
        /// Logs an unexpected failure with its context and returns the opaque error users see.
        pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
            let request_id = crate::request_id::current();
            tracing::error!(%request_id, "{context}: {err}");
            Self::Internal { request_id }
        }
    }

    impl From<sqlx::Error> for AppError {
        fn from(err: sqlx::Error) -> Self {
            if let sqlx::Error::RowNotFound = err {
                return Self::NotFound("The record".into());
            }
            Self::internal("database error", err)
        }
    }

    impl axum::response::IntoResponse for AppError {
        fn into_response(self) -> axum::response::Response {
            let status = http::StatusCode::from_u16(self.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            let body = serde_json::json!({ "error": self.to_string(), "detail": self });
            (status, axum::Json(body)).into_response()
        }
    }
}
