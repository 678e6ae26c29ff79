//! What every page is built from: the signed-in viewer, the page heading, the empty state and
//! the load error.
use crate::accounts::Viewer;
use crate::error::AppError;
use leptos::prelude::*;

/// The signed-in person, loaded once per page load and shared with every layout.
pub type ViewerResource = Resource<Result<Option<Viewer>, AppError>>;

pub fn use_viewer() -> ViewerResource {
    expect_context::<ViewerResource>()
}

/// The signed-in person, once loaded (tracked: re-read when it changes).
pub fn signed_in(viewer: ViewerResource) -> Option<Viewer> {
    viewer.get().and_then(|r| r.ok()).flatten()
}

/// A page heading with optional actions on the right.
#[component]
pub fn PageHeader(title: String, #[prop(optional)] children: Option<Children>) -> impl IntoView {
    view! {
        <div class="page-header">
            <h1>{title}</h1>
            <div class="page-actions">{children.map(|c| c())}</div>
        </div>
    }
}

/// What a list shows when it has nothing to show.
#[component]
pub fn EmptyState(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="empty">
            <h2>{title}</h2>
            {children()}
        </div>
    }
}

/// An error from loading a page's data, shown in place of the content.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    view! { <div class="alert alert-error" role="alert">{error.to_string()}</div> }
}
