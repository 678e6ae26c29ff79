//! Building blocks shared by pages: the viewer and page frame pieces, form fields, flash messages, pagination.
pub mod flash;
pub mod form;
pub mod layout;
pub mod pagination;
pub mod password;
pub mod time;
