-- Signed webhooks: endpoints other systems register, the events they subscribe to, and an
-- outbox of deliveries written in the same transaction as the change each event announces.
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- `whsec_` and the base64 key; needed in full to sign, so it is kept, never shown again.
    secret TEXT NOT NULL,
    enabled BIGINT NOT NULL DEFAULT 1,
    -- Set when a delivery was given up on; cleared by the next delivery that succeeds.
    failing_since BIGINT,
    created_by BIGINT REFERENCES staff_users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE webhook_subscriptions (
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    PRIMARY KEY (endpoint_id, event_type)
);
CREATE INDEX webhook_subscriptions_event_idx ON webhook_subscriptions (event_type);

CREATE TABLE webhook_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The `webhook-id` header: unique per event, the same on every retry.
    message_id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    -- The exact body sent: {"type", "timestamp", "data"}.
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id BIGINT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    -- While pending: when the next attempt is due (or the lease of the one under way ends).
    next_attempt_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
-- The delivery pass reads only what is pending and due.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);

CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt BIGINT NOT NULL,
    at BIGINT NOT NULL,
    status_code BIGINT,
    response_ms BIGINT NOT NULL,
    -- The first 1 KB of the response body.
    response_body TEXT,
    error TEXT,
    -- When it will be tried again; NULL when it succeeded or was given up on.
    next_retry_at BIGINT
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, attempt);
