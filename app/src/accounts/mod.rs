//! Who is signed in: staff users with roles, and customers with portal access.
pub mod email;
pub mod password;
#[cfg(feature = "ssr")]
pub mod policy;
pub mod reveal;
pub mod role;
pub mod two_factor;
pub mod viewer;

#[cfg(feature = "ssr")]
pub mod cookies;
#[cfg(feature = "ssr")]
pub mod credentials;
#[cfg(feature = "ssr")]
pub mod guard;
#[cfg(feature = "ssr")]
pub mod hashing;
#[cfg(feature = "ssr")]
pub mod second_factor;
#[cfg(feature = "ssr")]
pub mod sessions;
#[cfg(feature = "ssr")]
pub mod signin;
#[cfg(feature = "ssr")]
pub mod throttle;

pub use email::Email;
pub use password::Password;
pub use role::Role;
pub use viewer::{current_viewer, CustomerViewer, StaffViewer, Viewer};
