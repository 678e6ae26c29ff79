//! Runtime settings the app reads while serving; loaded once by the server's configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Minutes without a request after which a session ends.
    pub session_idle_minutes: i64,
    /// Hours after sign-in after which a session ends regardless of activity.
    pub session_absolute_hours: i64,
    /// Whether cookies get the `Secure` flag and responses HSTS (served over TLS).
    pub secure_cookies: bool,
    /// How many proxies of ours stand in front of the app: the client address is the N-th entry
    /// from the right of `X-Forwarded-For` (0: the connection's own address).
    pub trusted_proxies: usize,
    /// The address people use to reach the app, for links in invitations.
    pub public_url: String,
    /// Sign-in attempts on one account from one address within the window before further
    /// attempts from that address are refused.
    pub signin_limit_per_account_address: i64,
    /// Sign-in attempts on one account from everywhere within the window before attempts from
    /// addresses the account has never signed in from are refused; past the per-address limit
    /// they wait longer and longer first.
    pub signin_limit_per_account: i64,
    /// Sign-in attempts from one client address (any account) within the window.
    pub signin_limit_per_ip: i64,
    /// The rate-limit window in minutes.
    pub signin_window_minutes: i64,
    /// Whether notices are delivered by SMTP (else they wait in the outbox).
    pub smtp_configured: bool,
    /// Whether webhooks may be sent to private, loopback and link-local addresses
    /// (`EXTRAMILE_WEBHOOKS_ALLOW_PRIVATE`; tests and local set-ups only).
    pub webhooks_allow_private: bool,
    /// The bearer token that opens `GET /metrics` (none: only the allowed addresses may).
    pub metrics_token: Option<String>,
    /// Networks (address, prefix length) whose clients may read `GET /metrics` without the token.
    pub metrics_allow: Vec<(std::net::IpAddr, u8)>,
}

impl Settings {
    /// The session cookie's name: over TLS the `__Host-` prefix, which browsers accept only
    /// with `Secure`, `Path=/` and no `Domain`, so no other host can set or shadow it.
    pub fn session_cookie(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-em_session"
        } else {
            "em_session"
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_idle_minutes: 120,
            session_absolute_hours: 12,
            secure_cookies: false,
            trusted_proxies: 0,
            public_url: "http://127.0.0.1:3000".into(),
            signin_limit_per_account_address: 5,
            signin_limit_per_account: 50,
            signin_limit_per_ip: 30,
            signin_window_minutes: 15,
            smtp_configured: false,
            webhooks_allow_private: false,
            metrics_token: None,
            metrics_allow: Vec::new(),
        }
    }
}
