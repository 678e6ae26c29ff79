//! The pieces the sign-in and password pages share: the new-password fields and the messages
//! for the `?error=` codes the server redirects with.
use leptos::prelude::*;

/// The message for an `?error=` code on the sign-in and password pages.
pub fn error_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "current" => "That is not your current password.",
        "code" => "That code did not work. Enter the six digits your app shows now, or one of your recovery codes.",
        "throttled" => "Too many attempts. Wait a few minutes and try again.",
        "failed" => "That did not work. Please try again.",
        "invalid" => "That email and password do not match an active account.",
        "missing" => "Enter your email and password.",
        "expired" => "Your session ended. Please sign in again.",
        "password" => "Use at least 12 characters, and avoid common passwords or ones built on your name or email.",
        "mismatch" => "The two passwords do not match.",
        _ => return None,
    })
}

/// A new password typed twice, with the policy as a hint.
#[component]
pub fn NewPassword() -> impl IntoView {
    view! {
        <div class="field">
            <label for="password">"New password"</label>
            <p class="hint" id="password-hint">"At least 12 characters. A few unrelated words work well."</p>
            <input id="password" name="password" type="password" required minlength="12"
                autocomplete="new-password" aria-describedby="password-hint"/>
        </div>
        <div class="field">
            <label for="confirm">"Repeat the password"</label>
            <input id="confirm" name="confirm" type="password" required minlength="12" autocomplete="new-password"/>
        </div>
    }
}
