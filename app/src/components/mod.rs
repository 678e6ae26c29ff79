//! Building blocks shared by pages: the viewer and page frame pieces, form fields, flash messages,
//! pagination, and the small islands (print, submit on change) several pages use.
#[cfg(feature = "hydrate")]
pub mod dom;
pub mod enhanced_forms;
pub mod flash;
pub mod form;
pub mod layout;
pub mod linked_filters;
pub mod pagination;
pub mod password;
pub mod print;
pub mod search_as_you_type;
pub mod submit_on_change;
pub mod time;
