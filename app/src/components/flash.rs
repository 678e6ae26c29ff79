//! Confirmations after a save. Pages redirect with `?flash=code`; the code names a fixed message,
//! so nothing a visitor puts in the URL is ever shown as text.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn message(code: &str) -> Option<&'static str> {
    Some(match code {
        "created" => "Customer added.",
        "incident-created" => "Incident logged. Record what you do to recover it below.",
        "saved" => "Changes saved.",
        "user-created" => "Staff account created. Share the password with them in person.",
        "user-updated" => "Staff account updated.",
        "token-created" => "API token created.",
        "job-requested" => "Run requested. It starts within a second; refresh to see how it went.",
        "webhook-created" => "Webhook endpoint added.",
        "webhook-updated" => "Webhook endpoint updated.",
        "webhook-deleted" => "Webhook endpoint deleted, with its pending deliveries.",
        "webhook-test-sent" => "Test event queued. It is being delivered now; refresh to see the attempt.",
        "webhook-redelivered" => "Delivery queued again. It is being sent now; refresh to see the attempt.",
        "token-revoked" => "API token revoked. Requests using it are refused from now on.",
        "invitation-created" => "Invitation created.",
        "signed-out" => "You are signed out.",
        "feedback-saved" => "Feedback saved. It was assessed as fine: no follow-up needed.",
        "follow-up-opened" => "Feedback saved. It needs a follow-up, opened below.",
        "attempt-logged" => "Contact attempt logged.",
        "follow-up-closed" => "Follow-up closed.",
        "assigned" => "Assignment saved.",
        "action-applied" => "Recovery action applied.",
        "action-pending" => "Saved. It is over the approval limit, so it waits for a manager.",
        "survey-created" => "Survey link created.",
        "story-saved" => "Story saved. Thank you for writing it down.",
        "comment-added" => "Comment added.",
        "currency-saved" => "Organisation currency saved. Money figures are being recomputed in it.",
        "rate-saved" => "Rate saved. Money figures from its date on are recomputed.",
        "rates-imported" => "Rates imported. Money figures from their dates on are recomputed.",
        "rate-deleted" => "Rate deleted.",
        "team-created" => "Team created. Put people in it below.",
        "renamed" => "Theme renamed. The new name shows wherever the theme does.",
        "merged" => "Themes merged. Texts of either are counted here from now on, including future ones.",
        "split" => "Phrase split off into a theme of its own. Texts with it are counted here from now on.",
        "taught" => "Phrase added to the vocabulary. Texts that say it are themed with it from now on.",
        "rated" => "Thank you for your rating: it goes straight to our service team.",
        "welcome" => "Your password is set. Welcome to your portal.",
        "two-factor-on" => "Two-factor authentication is on. Keep your recovery codes somewhere safe.",
        "two-factor-off" => "Two-factor authentication is off.",
        "two-factor-reset" => "Their second factor was removed and their sessions ended. They set it up again after signing in.",
        "two-factor-required" => "Your organisation requires two-factor authentication for managers and admins. Set it up below to continue.",
        "password-changed" => "Password changed. You were signed out everywhere else.",
        "password-reset" => "Your new password is set, and every session was ended. Sign in with it now.",
        "reset-sent" => "If that address has an account, a link to reset its password is on its way. It works once, for 60 minutes.",
        "reset-link-sent" => "A link to set a new password was sent to their email address.",
        "portal-login-disabled" => "Portal sign-in switched off. Invite the customer again to let them back in.",
        _ => return None,
    })
}

/// Shows the confirmation named in the URL, if any.
#[component]
pub fn Flash() -> impl IntoView {
    let query = use_query_map();
    move || {
        query
            .with(|q| q.get("flash"))
            .and_then(|code| message(&code))
            .map(|text| {
                view! { <p class="flash" role="status">{text}</p> }
            })
    }
}
