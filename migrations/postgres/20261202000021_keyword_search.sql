-- Keyword search reads a text index instead of scanning every row with LIKE. pg_trgm's GIN
-- indexes serve `LOWER(column) LIKE '%term%'` for terms of three or more characters: the same
-- "contains" the search has always meant, for part of a name, an email, a reference or a word,
-- on the very expressions the search reads. PostgreSQL keeps an index current with each change
-- and builds it here over the rows already written. pg_trgm ships with PostgreSQL and is a
-- trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX customers_name_search_idx ON customers USING gin (LOWER(name) gin_trgm_ops);
CREATE INDEX customers_email_search_idx
    ON customers USING gin (LOWER(COALESCE(email, '')) gin_trgm_ops);
CREATE INDEX customers_external_ref_search_idx
    ON customers USING gin (LOWER(COALESCE(external_ref, '')) gin_trgm_ops);
CREATE INDEX incidents_description_search_idx
    ON incidents USING gin (LOWER(description) gin_trgm_ops);
CREATE INDEX incidents_subject_ref_search_idx
    ON incidents USING gin (LOWER(COALESCE(subject_ref, '')) gin_trgm_ops);
CREATE INDEX feedback_comment_search_idx ON feedback USING gin (LOWER(comment) gin_trgm_ops);
CREATE INDEX stories_text_search_idx ON stories USING gin (
    LOWER(title || ' ' || situation || ' ' || action_taken || ' ' || result || ' ' || lesson
        || ' ' || internal_notes) gin_trgm_ops
);
