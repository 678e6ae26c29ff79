//! Administration: staff accounts, customer portal invitations and API tokens.
pub mod invitations;
pub mod pages;
pub mod reveal;
pub mod tokens;
pub mod users;
