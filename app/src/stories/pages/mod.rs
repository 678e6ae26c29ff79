//! Story pages: the library, the form, one story, the manager's cadence view, and the cards the
//! dashboard and portal show.
pub mod cadence;
pub mod detail;
pub mod form;
pub mod home;
pub mod library;
