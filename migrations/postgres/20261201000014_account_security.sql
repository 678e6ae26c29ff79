-- Sign-in throttling counted before each attempt is judged: one row per throttled key (an
-- account from one address, an account from anywhere, an address), counting the attempts of
-- the current window. An upsert increments it atomically, so parallel attempts cannot all pass.
CREATE TABLE signin_throttle (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    attempts BIGINT NOT NULL
);
CREATE INDEX signin_throttle_window_idx ON signin_throttle (window_start);

-- Single-use password reset links: only the token's SHA-256 is kept.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    account_kind TEXT NOT NULL CHECK (account_kind IN ('staff', 'customer')),
    account_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX password_resets_account_idx ON password_resets (account_kind, account_id);

-- A portal login staff switched off: the customer cannot sign in until re-invited.
ALTER TABLE customer_logins ADD COLUMN disabled_at BIGINT;
