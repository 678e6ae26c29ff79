//! Pages that belong to no single domain: sign-in, dashboard,
//! error pages.
pub mod dashboard;
pub mod errors;
pub mod signin;
