//! Error pages: not found and forbidden, with the right HTTP status during server rendering.
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn set_status(code: u16) {
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::NOT_FOUND));
    }
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_status(404);
    view! {
        <main id="main" class="error-page">
            <p class="error-code">"404"</p>
            <h1>"We could not find that page"</h1>
            <p class="muted">"It may have moved, or the link may be mistyped."</p>
            <a class="button" href="/">"Go to your start page"</a>
        </main>
    }
}

#[component]
pub fn ForbiddenPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_status(403);
    view! {
        <main id="main" class="error-page">
            <p class="error-code">"403"</p>
            <h1>"This page is not open to your account"</h1>
            <p class="muted">"If you need it for your work, ask an administrator to change your role."</p>
            <a class="button" href="/">"Go to your start page"</a>
        </main>
    }
}
