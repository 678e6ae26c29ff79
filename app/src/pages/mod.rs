//! Pages that belong to no single domain: sign-in and password pages, dashboard,
//! error pages.
pub mod account;
pub mod dashboard;
pub mod errors;
pub mod signin;
