//! Administration: staff accounts, customer portal invitations, API tokens and the audit log.
pub mod audit;
pub mod invitations;
pub mod outbox;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod queues;
pub mod tokens;
pub mod users;
