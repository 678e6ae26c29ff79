//! The one error type of the product: user-facing variants carry a clear message and an HTTP
//! status; internal failures are logged where they happen and reach the client only as an opaque
//! message with a request id.
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// One field that failed validation, with a message for the person who typed it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// A problem with one field of one item of a batch.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemError {
    pub index: usize,
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
    /// A batch refused whole: every problem by item and field; nothing was stored.
    #[error("{message}")]
    Refused {
        message: String,
        items: Vec<ItemError>,
    },
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
            Self::Request(_) | Self::Refused { .. } => 400,
        }
    }

    /// A short machine-readable name for the kind of error, stable for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation { .. } => "invalid",
            Self::Conflict(_) => "conflict",
            Self::NotFound(_) => "not_found",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::TooManyRequests(_) => "too_many_requests",
            Self::Internal { .. } => "internal",
            Self::Request(_) => "bad_request",
            Self::Refused { .. } => "refused",
        }
    }

    /// A batch of `count` `noun` refused for `items`, with the message saying how many are wrong.
    pub fn refused(noun: &str, count: usize, items: Vec<ItemError>) -> Self {
        let bad: std::collections::BTreeSet<usize> = items.iter().map(|p| p.index).collect();
        Self::Refused {
            message: format!(
                "The batch was refused: {} of {count} {noun} are invalid; nothing was stored.",
                bad.len()
            ),
            items,
        }
    }

    /// The JSON body every API error is sent as.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: self.to_string(),
            code: self.code().to_string(),
            fields: match self {
                Self::Validation { fields, .. } => fields.clone(),
                _ => Vec::new(),
            },
            items: match self {
                Self::Refused { items, .. } => items.clone(),
                _ => Vec::new(),
            },
            request_id: match self {
                Self::Internal { request_id } => Some(request_id.clone()),
                _ => None,
            },
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

    /// A yes/no filter as a checkbox or the API sends it: empty means no; anything but
    /// `1`/`true`/`0`/`false` is an error on `field`.
    pub fn optional_flag(value: &str, field: &str) -> Result<bool, AppError> {
        match value.trim() {
            "" | "0" | "false" => Ok(false),
            "1" | "true" => Ok(true),
            _ => Err(AppError::field(field, "Use true or false.")),
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

/// The one shape of every error the JSON API sends.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong, for a person to read.
    #[cfg_attr(
        feature = "ssr",
        schema(example = "The batch was refused: 1 of 2 signals are invalid; nothing was stored.")
    )]
    pub error: String,
    /// The kind of error: invalid, conflict, not_found, unauthenticated, forbidden,
    /// too_many_requests, internal, bad_request or refused.
    #[cfg_attr(feature = "ssr", schema(example = "refused"))]
    pub code: String,
    /// For `invalid`: each field that failed and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// For `refused`: each problem by item (0-based index) and field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ItemError>,
    /// For `internal`: the id to quote when reporting it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
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
            if let Some(conflict) = constraint_conflict(&err) {
                return conflict;
            }
            Self::internal("database error", err)
        }
    }

    /// Unique columns a second writer can race into, with what to tell the person who lost the
    /// race. PostgreSQL names the violated constraint `{table}_{column}_key`; SQLite names the
    /// column as `table.column` in its message.
    const UNIQUE: &[(&str, &str, &str)] = &[
        (
            "feedback",
            "idempotency_key",
            "This answer was already recorded.",
        ),
        (
            "customers",
            "external_ref",
            "A customer with this external reference already exists.",
        ),
        (
            "customers",
            "email",
            "A customer with this email already exists.",
        ),
        (
            "users",
            "email",
            "A staff account with this email already exists.",
        ),
    ];

    /// A unique-constraint violation answered as 409 with a message naming what clashed, the
    /// way realworld-axum-sqlx maps constraints by name; other violations stay internal.
    fn constraint_conflict(err: &sqlx::Error) -> Option<AppError> {
        let db = err.as_database_error()?;
        if db.kind() != sqlx::error::ErrorKind::UniqueViolation {
            return None;
        }
        let name = db.constraint().unwrap_or_default();
        let text = db.message();
        let message = UNIQUE
            .iter()
            .find(|(table, column, _)| {
                name == format!("{table}_{column}_key")
                    || text.contains(&format!("{table}.{column}"))
            })
            .map(|(_, _, m)| m.to_string())
            .unwrap_or_else(|| "That was already recorded.".to_string());
        tracing::info!(
            request_id = %crate::request_id::current(),
            "unique constraint: {text}"
        );
        Some(AppError::Conflict(message))
    }

    impl axum::response::IntoResponse for AppError {
        fn into_response(self) -> axum::response::Response {
            let status = http::StatusCode::from_u16(self.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            (status, axum::Json(self.body())).into_response()
        }
    }
}
