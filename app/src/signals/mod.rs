//! Service-quality signals and the detection rules that turn poor experiences into incidents
//! before the customer complains.
pub mod api;
#[cfg(feature = "ssr")]
pub mod batch;
#[cfg(feature = "ssr")]
pub mod ingest;
pub mod input;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod queries;
pub mod rule;

pub use rule::{Comparison, RecoveryPlan, Rule};
