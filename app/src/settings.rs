//! Runtime settings the app reads while serving; loaded once by the server's configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Minutes without a request after which a session ends.
    pub session_idle_minutes: i64,
    /// Hours after sign-in after which a session ends regardless of activity.
    pub session_absolute_hours: i64,
    /// Whether cookies get the `Secure` flag and responses HSTS (served over TLS).
    pub secure_cookies: bool,
    /// Whether `X-Forwarded-For` names the client (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// The address people use to reach the app, for links in invitations.
    pub public_url: String,
    /// Failed sign-ins per account within the window before further attempts are refused.
    pub signin_limit_per_account: i64,
    /// Failed sign-ins per client address within the window.
    pub signin_limit_per_ip: i64,
    /// The rate-limit window in minutes.
    pub signin_window_minutes: i64,
    /// Whether notices are delivered by SMTP (else they wait in the outbox).
    pub smtp_configured: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_idle_minutes: 120,
            session_absolute_hours: 12,
            secure_cookies: false,
            trust_proxy: false,
            public_url: "http://127.0.0.1:3000".into(),
            signin_limit_per_account: 5,
            signin_limit_per_ip: 30,
            signin_window_minutes: 15,
            smtp_configured: false,
        }
    }
}
