//! Building blocks shared by pages: layouts, form fields, flash messages, pagination.
pub mod flash;
pub mod form;
pub mod layout;
pub mod pagination;
pub mod time;
