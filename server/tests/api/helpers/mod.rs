//! What the integration tests share, one concern a file: the app under test on a fresh
//! database (`spawn`), requests as a browser makes them (`browsing`), the people tests act as
//! (`accounts`), the token API (`api`), records set up through the staff forms (`records`), and
//! replayable randomness (`seed`). Tests `use crate::helpers::*`.
mod accounts;
mod api;
mod browsing;
mod records;
mod seed;
mod spawn;

pub use accounts::*;
pub use api::*;
pub use browsing::*;
pub use records::*;
pub use seed::*;
pub use spawn::*;
