-- Incidents: the category taxonomy, incidents with their lifecycle, recovery actions with
-- approvals, the timeline, notices to customers with their email outbox, and organisation
-- settings (approval limit, service levels). Money is BIGINT minor units with a currency code.
CREATE TABLE org_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE incident_categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    default_severity TEXT NOT NULL CHECK (default_severity IN ('minor', 'major', 'critical')),
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);

CREATE TABLE incidents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    category_id BIGINT NOT NULL REFERENCES incident_categories (id),
    severity TEXT NOT NULL CHECK (severity IN ('minor', 'major', 'critical')),
    source TEXT NOT NULL CHECK (source IN ('complaint', 'staff', 'signal')),
    status TEXT NOT NULL CHECK (status IN ('open', 'recovering', 'resolved')),
    subject_ref TEXT,
    description TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    detected_at BIGINT NOT NULL,
    acknowledged_at BIGINT,
    resolved_at BIGINT,
    complained_at BIGINT,
    proactive BIGINT NOT NULL DEFAULT 0,
    assignee_id BIGINT REFERENCES staff_users (id),
    created_by BIGINT REFERENCES staff_users (id),
    root_cause TEXT,
    no_action_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX incidents_customer_idx ON incidents (customer_id);
CREATE INDEX incidents_status_idx ON incidents (status, detected_at);
CREATE INDEX incidents_detected_idx ON incidents (detected_at);
CREATE INDEX incidents_subject_idx ON incidents (customer_id, subject_ref);

CREATE TABLE recovery_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    kind TEXT NOT NULL CHECK (kind IN ('refund', 'credit', 'replacement', 'apology', 'callback', 'other')),
    amount_minor BIGINT NOT NULL DEFAULT 0,
    currency TEXT NOT NULL DEFAULT 'USD',
    status TEXT NOT NULL CHECK (status IN ('applied', 'pending', 'declined')),
    note TEXT,
    created_by BIGINT REFERENCES staff_users (id),
    created_at BIGINT NOT NULL,
    decided_by BIGINT REFERENCES staff_users (id),
    decided_at BIGINT,
    decision_note TEXT
);
CREATE INDEX recovery_actions_incident_idx ON recovery_actions (incident_id);
CREATE INDEX recovery_actions_status_idx ON recovery_actions (status);

CREATE TABLE incident_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    at BIGINT NOT NULL,
    actor_label TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    internal BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX incident_events_incident_idx ON incident_events (incident_id, at);

CREATE TABLE notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by_label TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX notices_customer_idx ON notices (customer_id);

CREATE TABLE email_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    notice_id BIGINT REFERENCES notices (id),
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX email_outbox_status_idx ON email_outbox (status, next_attempt_at);

-- A starting taxonomy; managers rename, add and retire categories in the UI.
INSERT INTO incident_categories (name, default_severity, active, created_at) VALUES
    ('Delivery', 'major', 1, 0),
    ('Product quality', 'major', 1, 0),
    ('Billing', 'major', 1, 0),
    ('Streaming / playback', 'minor', 1, 0),
    ('Service / staff', 'minor', 1, 0),
    ('Website / app', 'minor', 1, 0),
    ('Outage', 'critical', 1, 0);
