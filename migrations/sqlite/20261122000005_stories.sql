-- Teams of staff, extra-mile stories with their colleagues, tags, kudos and comments, and one
-- autosaved draft per person. A story's day is a calendar date in the organisation's time zone,
-- so the ISO week it counts for never depends on where it was typed.
CREATE TABLE teams (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
ALTER TABLE staff_users ADD COLUMN team_id BIGINT REFERENCES teams (id);

CREATE TABLE stories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    associate_id BIGINT NOT NULL REFERENCES staff_users (id),
    customer_id BIGINT REFERENCES customers (id),
    incident_id BIGINT REFERENCES incidents (id),
    occurred_on TEXT NOT NULL,
    title TEXT NOT NULL,
    situation TEXT NOT NULL,
    action_taken TEXT NOT NULL,
    result TEXT NOT NULL,
    lesson TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL CHECK (kind IN ('turned_around', 'went_beyond', 'good_samaritan')),
    cost_minor BIGINT NOT NULL DEFAULT 0,
    currency TEXT NOT NULL DEFAULT 'USD',
    internal_notes TEXT NOT NULL DEFAULT '',
    shareable BIGINT NOT NULL DEFAULT 0,
    spotlighted_at BIGINT,
    spotlighted_by BIGINT REFERENCES staff_users (id),
    created_by BIGINT NOT NULL REFERENCES staff_users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX stories_associate_idx ON stories (associate_id, occurred_on);
CREATE INDEX stories_occurred_idx ON stories (occurred_on);
CREATE INDEX stories_customer_idx ON stories (customer_id);
CREATE INDEX stories_spotlight_idx ON stories (spotlighted_at);

CREATE TABLE story_colleagues (
    story_id BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    staff_id BIGINT NOT NULL REFERENCES staff_users (id),
    PRIMARY KEY (story_id, staff_id)
);

CREATE TABLE story_tags (
    story_id BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (story_id, tag)
);
CREATE INDEX story_tags_tag_idx ON story_tags (tag);

CREATE TABLE story_kudos (
    story_id BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    staff_id BIGINT NOT NULL REFERENCES staff_users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (story_id, staff_id)
);
CREATE INDEX story_kudos_created_idx ON story_kudos (created_at);

CREATE TABLE story_comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    staff_id BIGINT NOT NULL REFERENCES staff_users (id),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX story_comments_story_idx ON story_comments (story_id, created_at);

CREATE TABLE story_drafts (
    staff_id BIGINT PRIMARY KEY REFERENCES staff_users (id),
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
