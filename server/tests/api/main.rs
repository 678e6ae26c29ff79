//! Integration tests: the real server on port 0 against a fresh database — a temporary SQLite
//! file, or a fresh PostgreSQL database when `TEST_DATABASE_URL` names one — driven over HTTP.
//!
//! Environment: `TEST_DATABASE_URL`, a `postgres://` server to create each test's database on
//! (unset: SQLite; set but unreachable: the tests fail); `EXTRAMILE_TEST_SEED`, the seed that
//! replays a randomized test (each prints the seed it drew).
mod access;
mod admin;
mod aggregates;
mod api_params;
mod assets;
mod audit_trail;
mod cli;
mod customers;
mod dashboard;
mod drill_down;
mod exports;
mod feedback;
mod helpers;
mod imports;
mod incidents;
mod jobs;
mod loyalty;
mod metrics;
mod money_controls;
mod money_figures;
mod notifications;
mod passwords;
mod playbook;
mod portal_privacy;
mod reports;
mod schema_parity;
mod search;
mod second_factor;
mod security;
mod signals;
mod signin;
mod smtp_sink;
mod stories;
mod themes;
mod throttling;
mod visibility;
mod webhooks;
