//! Administration: staff accounts, customer portal invitations and API tokens.
pub mod invitations;
pub mod outbox;
pub mod pages;
pub mod tokens;
pub mod users;
