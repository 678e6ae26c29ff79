//! The vocabulary every domain shares, below all of them: money in minor units, labelled
//! enums, moments and weeks, and the JSON batches other systems send.
#[cfg(feature = "ssr")]
pub mod batch;
pub mod currencies;
pub mod labels;
pub mod moment;
pub mod money;
