-- Two-factor authentication for staff: a TOTP secret (RFC 6238) confirmed by a first code,
-- the last time step accepted (a code works once), and ten one-time recovery codes kept as
-- hashes.
CREATE TABLE staff_second_factors (
    staff_id BIGINT PRIMARY KEY REFERENCES staff_users (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    enabled_at BIGINT,
    last_step BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE staff_recovery_codes (
    code_hash TEXT PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    used_at BIGINT
);
CREATE INDEX staff_recovery_codes_staff_idx ON staff_recovery_codes (staff_id);

-- A sign-in whose password was right, waiting for its second factor (five minutes).
CREATE TABLE second_factor_challenges (
    token_hash TEXT PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    next_path TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX second_factor_challenges_expiry_idx ON second_factor_challenges (expires_at);
