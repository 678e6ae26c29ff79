//! The background jobs: what runs on its own (deliveries, digests, score decay, sweeps, report
//! refreshes, escalation checks), on which schedule, and the record of every run. Each run is
//! claimed in the database, so any number of instances run each job once per period.
pub mod catalogue;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod schedule;
#[cfg(feature = "ssr")]
pub mod scheduler;
#[cfg(feature = "ssr")]
pub mod work;

pub use catalogue::{Job, JobView, JobsView, RunView, JOBS};
