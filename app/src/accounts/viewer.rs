//! The signed-in person as pages see them, and the server function that tells the client.
use super::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffViewer {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerViewer {
    pub customer_id: i64,
    pub name: String,
    pub email: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Viewer {
    Staff(StaffViewer),
    Customer(CustomerViewer),
}

impl Viewer {
    pub fn name(&self) -> &str {
        match self {
            Self::Staff(s) => &s.name,
            Self::Customer(c) => &c.name,
        }
    }

    /// Whether this is a staff member holding at least `role`.
    pub fn has_role(&self, role: Role) -> bool {
        self.staff().is_some_and(|s| s.role.at_least(role))
    }

    pub fn staff(&self) -> Option<&StaffViewer> {
        match self {
            Self::Staff(s) => Some(s),
            Self::Customer(_) => None,
        }
    }
}

/// Who is signed in, if anyone. Open to everyone: it only ever describes the caller.
#[server(prefix = "/fn", endpoint = "viewer")]
pub async fn current_viewer() -> Result<Option<Viewer>, AppError> {
    Ok(crate::accounts::guard::request_context().viewer)
}
