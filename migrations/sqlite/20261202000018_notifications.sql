-- Notifications for staff: what each person should act on, in the app and by email as they
-- prefer; their preferences; the escalation rules per incident category; and the escalation
-- steps already taken, so that several instances checking at once escalate each step once.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient_id BIGINT NOT NULL REFERENCES staff_users (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    link TEXT NOT NULL,
    detail TEXT,
    -- What makes a notification the same one again (e.g. "incident:7:breach:1733"): with the
    -- recipient and kind it is unique, so a repeated check never notifies twice. NULL: always new.
    dedupe_key TEXT,
    created_at BIGINT NOT NULL,
    -- Shown in the notification centre (0: sent by email only).
    in_app BIGINT NOT NULL DEFAULT 1,
    read_at BIGINT,
    -- NULL: no email; 'pending': to be emailed; 'digest': waits for the day's digest;
    -- 'queued': its email is in the outbox (alone or in a digest).
    email_state TEXT CHECK (email_state IN ('pending', 'digest', 'queued'))
);
CREATE UNIQUE INDEX notifications_dedupe_idx ON notifications (recipient_id, kind, dedupe_key);
CREATE INDEX notifications_list_idx ON notifications (recipient_id, in_app, id);
CREATE INDEX notifications_unread_idx ON notifications (recipient_id) WHERE read_at IS NULL AND in_app = 1;
CREATE INDEX notifications_email_idx ON notifications (email_state, recipient_id) WHERE email_state IN ('pending', 'digest');

-- How each person wants each kind: 'in_app', 'email', 'both' or 'off'. No row: the kind's default.
CREATE TABLE notification_preferences (
    staff_id BIGINT NOT NULL REFERENCES staff_users (id),
    kind TEXT NOT NULL,
    delivery TEXT NOT NULL CHECK (delivery IN ('in_app', 'email', 'both', 'off')),
    PRIMARY KEY (staff_id, kind)
);

-- Whether a person's emails are batched into one a day, and the local day of the last digest.
CREATE TABLE notification_digests (
    staff_id BIGINT PRIMARY KEY REFERENCES staff_users (id),
    daily BIGINT NOT NULL DEFAULT 0,
    last_day TEXT NOT NULL DEFAULT ''
);

-- Reassign an unacknowledged incident of a category after some minutes, to a person or a team.
CREATE TABLE escalation_rules (
    category_id BIGINT PRIMARY KEY REFERENCES incident_categories (id),
    after_minutes BIGINT NOT NULL CHECK (after_minutes > 0),
    to_staff_id BIGINT REFERENCES staff_users (id),
    to_team_id BIGINT REFERENCES teams (id),
    CHECK ((to_staff_id IS NULL) <> (to_team_id IS NULL))
);

-- Each escalation step taken on an incident ("warning:<due>", "breach:<due>", "reassign"),
-- claimed once whatever number of instances check.
CREATE TABLE incident_escalations (
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    step TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (incident_id, step)
);
