-- Service-quality signals, the detection rules that turn them into incidents, and the log of
-- email delivery attempts.
CREATE TABLE detection_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    signal_kind TEXT NOT NULL,
    comparison TEXT NOT NULL CHECK (comparison IN ('gt', 'gte', 'lt', 'lte', 'eq')),
    threshold DOUBLE PRECISION NOT NULL,
    min_count BIGINT NOT NULL DEFAULT 1,
    window_minutes BIGINT NOT NULL DEFAULT 0,
    category_id BIGINT NOT NULL REFERENCES incident_categories (id),
    severity TEXT NOT NULL CHECK (severity IN ('minor', 'major', 'critical')),
    recovery TEXT NOT NULL CHECK (recovery IN ('none', 'refund_percent', 'credit', 'reship')),
    refund_percent BIGINT NOT NULL DEFAULT 100,
    cap_minor BIGINT NOT NULL DEFAULT 0,
    credit_minor BIGINT NOT NULL DEFAULT 0,
    currency TEXT NOT NULL DEFAULT 'USD',
    auto_apply_limit_minor BIGINT NOT NULL DEFAULT 0,
    notice_subject TEXT NOT NULL,
    notice_template TEXT NOT NULL,
    enabled BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX detection_rules_kind_idx ON detection_rules (signal_kind, enabled);

CREATE TABLE signals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    subject TEXT,
    value DOUBLE PRECISION NOT NULL,
    unit TEXT,
    amount_minor BIGINT,
    currency TEXT,
    observed_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    rule_id BIGINT REFERENCES detection_rules (id),
    incident_id BIGINT REFERENCES incidents (id)
);
CREATE INDEX signals_match_idx ON signals (rule_id, customer_id, subject, observed_at);
CREATE INDEX signals_incident_idx ON signals (incident_id);

ALTER TABLE incidents ADD COLUMN rule_id BIGINT REFERENCES detection_rules (id);
CREATE INDEX incidents_rule_idx ON incidents (rule_id, customer_id, subject_ref);

-- A notice a rule wrote for a recovery that waits for approval: sent when it is approved.
ALTER TABLE recovery_actions ADD COLUMN notice_subject TEXT;
ALTER TABLE recovery_actions ADD COLUMN notice_body TEXT;

CREATE TABLE email_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    outbox_id BIGINT NOT NULL REFERENCES email_outbox (id),
    at BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX email_attempts_outbox_idx ON email_attempts (outbox_id);
