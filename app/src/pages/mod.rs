//! Pages that belong to no single domain: sign-in and password pages, dashboard,
//! error pages.
pub mod account;
pub mod customers;
pub mod dashboard;
pub mod errors;
pub mod layout;
pub mod signin;
