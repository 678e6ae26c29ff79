//! Pages that belong to no single domain: sign-in, dashboard, sections still to be filled,
//! error pages.
pub mod dashboard;
pub mod errors;
pub mod sections;
pub mod signin;
