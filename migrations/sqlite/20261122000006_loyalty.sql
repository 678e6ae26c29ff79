-- Orders, referrals, advocacy events and each customer's stored loyalty score and segment
-- (recomputed when their inputs change, never on a page view).
CREATE TABLE orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    external_id TEXT NOT NULL UNIQUE,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    placed_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX orders_customer_idx ON orders (customer_id, placed_at);
CREATE INDEX orders_placed_idx ON orders (placed_at);

ALTER TABLE customers ADD COLUMN referred_by_id BIGINT REFERENCES customers (id);
ALTER TABLE customers ADD COLUMN loyalty_score BIGINT;
ALTER TABLE customers ADD COLUMN loyalty_segment TEXT;
ALTER TABLE customers ADD COLUMN loyalty_at BIGINT;
CREATE INDEX customers_loyalty_idx ON customers (loyalty_score);
CREATE INDEX customers_segment_idx ON customers (loyalty_segment, loyalty_score);

CREATE TABLE referrals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    referrer_id BIGINT NOT NULL REFERENCES customers (id),
    referred_customer_id BIGINT UNIQUE REFERENCES customers (id),
    prospect_name TEXT,
    converted BIGINT NOT NULL DEFAULT 0,
    revenue_minor BIGINT NOT NULL DEFAULT 0,
    currency TEXT NOT NULL DEFAULT 'USD',
    source TEXT NOT NULL CHECK (source IN ('link', 'api', 'staff')),
    incident_id BIGINT REFERENCES incidents (id),
    story_id BIGINT REFERENCES stories (id),
    occurred_at BIGINT NOT NULL,
    created_by_label TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX referrals_referrer_idx ON referrals (referrer_id, occurred_at);

CREATE TABLE referral_visits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    referrer_id BIGINT NOT NULL REFERENCES customers (id),
    visited_at BIGINT NOT NULL
);
CREATE INDEX referral_visits_referrer_idx ON referral_visits (referrer_id);

CREATE TABLE advocacy_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    kind TEXT NOT NULL CHECK (kind IN ('review', 'post', 'testimonial')),
    platform TEXT NOT NULL,
    url TEXT,
    audience BIGINT NOT NULL DEFAULT 0,
    sentiment TEXT NOT NULL CHECK (sentiment IN ('positive', 'neutral', 'negative')),
    occurred_at BIGINT NOT NULL,
    incident_id BIGINT REFERENCES incidents (id),
    story_id BIGINT REFERENCES stories (id),
    created_by_label TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX advocacy_customer_idx ON advocacy_events (customer_id, occurred_at);
