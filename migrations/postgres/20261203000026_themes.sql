-- Themes of what customers say. A theme is the set of key phrases that place a text in it
-- (a lexicon concept, a word pair or a word, as folded keys); each phrase belongs to at most one
-- theme, so renames, merges and split-off phrases apply to every text read afterwards. Themes
-- are found among texts no stored phrase places; a merged theme keeps its row, pointing at the
-- theme it joined, so links to it still resolve.
CREATE TABLE themes (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    -- Named by staff (kept as written) rather than from its strongest phrases.
    named_by_staff BIGINT NOT NULL DEFAULT 0,
    merged_into BIGINT REFERENCES themes (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE theme_phrases (
    phrase TEXT PRIMARY KEY,
    theme_id BIGINT NOT NULL REFERENCES themes (id),
    -- How customers wrote it, for showing.
    shown TEXT NOT NULL,
    -- Strongest first within its theme.
    position BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX theme_phrases_theme_idx ON theme_phrases (theme_id, position);

-- Service vocabulary staff taught the lexicon: each phrase is another way of saying a concept.
CREATE TABLE theme_vocabulary (
    id BIGSERIAL PRIMARY KEY,
    concept TEXT NOT NULL,
    phrase TEXT NOT NULL,
    created_by_label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (concept, phrase)
);

