-- Feedback with the detector's assessment, survey links, follow-ups with their contact
-- attempts. Reasons are a JSON array of {code, text}.
CREATE TABLE survey_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    incident_id BIGINT REFERENCES incidents (id),
    score_type TEXT NOT NULL CHECK (score_type IN ('nps', 'csat', 'ces')),
    created_by_label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    answered_at BIGINT
);
CREATE INDEX survey_links_customer_idx ON survey_links (customer_id, created_at);

CREATE TABLE feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    channel TEXT NOT NULL CHECK (channel IN ('survey', 'phone', 'in_person', 'email', 'chat', 'portal')),
    score_type TEXT NOT NULL CHECK (score_type IN ('nps', 'csat', 'ces')),
    score BIGINT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    received_at BIGINT NOT NULL,
    incident_id BIGINT REFERENCES incidents (id),
    order_ref TEXT,
    survey_link_id BIGINT UNIQUE REFERENCES survey_links (id),
    idempotency_key TEXT UNIQUE,
    assessment TEXT NOT NULL CHECK (assessment IN ('unhappy', 'lukewarm', 'fine')),
    reasons TEXT NOT NULL,
    risk BIGINT NOT NULL DEFAULT 0,
    entered_by_label TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX feedback_customer_idx ON feedback (customer_id, received_at);
CREATE INDEX feedback_received_idx ON feedback (received_at);
CREATE INDEX feedback_assessment_idx ON feedback (assessment, received_at);

CREATE TABLE follow_ups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    feedback_id BIGINT NOT NULL UNIQUE REFERENCES feedback (id),
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    assignee_id BIGINT REFERENCES staff_users (id),
    assessment TEXT NOT NULL CHECK (assessment IN ('unhappy', 'lukewarm')),
    risk BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    opened_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    closed_at BIGINT,
    outcome TEXT CHECK (outcome IN ('problem_found', 'genuinely_fine', 'unreachable')),
    customer_said TEXT,
    true_sentiment TEXT CHECK (true_sentiment IN ('negative', 'mixed', 'positive')),
    incident_id BIGINT REFERENCES incidents (id),
    closed_by_label TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX follow_ups_queue_idx ON follow_ups (status, assignee_id, due_at);
CREATE INDEX follow_ups_customer_idx ON follow_ups (customer_id);
CREATE INDEX follow_ups_closed_idx ON follow_ups (closed_at);

CREATE TABLE follow_up_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    follow_up_id BIGINT NOT NULL REFERENCES follow_ups (id),
    channel TEXT NOT NULL CHECK (channel IN ('phone', 'email', 'sms', 'in_person', 'chat')),
    at BIGINT NOT NULL,
    reached BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    by_label TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX follow_up_attempts_idx ON follow_up_attempts (follow_up_id, at);
