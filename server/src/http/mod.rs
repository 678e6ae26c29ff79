//! The HTTP surface besides pages and server functions: middleware, sign-in forms, health,
//! and the JSON API.
pub mod api;
pub mod context;
pub mod errors;
pub mod guard;
pub mod health;
pub mod imports;
pub mod reports;
pub mod security;
pub mod signin;
