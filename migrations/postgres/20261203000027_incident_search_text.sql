-- An incident's searched texts in one lower-cased column: its description, subject reference and
-- customer's name, a line each. A search reads the newest incidents one by one and checks this
-- column alone, where it joined every incident to its customer and lower-cased three columns (a
-- million customers do not fit in memory, so each join was a read from disk); one pg_trgm index
-- on it serves what the walk cannot, in place of the two per column. Kept current by triggers in
-- the transaction of each change: the incident's own, and a customer's rename.
ALTER TABLE incidents ADD COLUMN search_text TEXT NOT NULL DEFAULT '';

CREATE FUNCTION incident_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_text := LOWER(NEW.description) || E'\n' || LOWER(COALESCE(NEW.subject_ref, ''))
        || E'\n' || LOWER(COALESCE((SELECT name FROM customers WHERE id = NEW.customer_id), ''));
    RETURN NEW;
END $$;
CREATE TRIGGER incidents_search_text
    BEFORE INSERT OR UPDATE OF description, subject_ref, customer_id ON incidents
    FOR EACH ROW EXECUTE FUNCTION incident_search_text();

CREATE FUNCTION customer_incidents_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE incidents SET search_text = LOWER(description) || E'\n'
        || LOWER(COALESCE(subject_ref, '')) || E'\n' || LOWER(NEW.name)
    WHERE customer_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER customers_incidents_search_text AFTER UPDATE OF name ON customers
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION customer_incidents_search_text();

-- The incidents already written; the report's trigger would mark every week for recounting.
ALTER TABLE incidents DISABLE TRIGGER report_incidents;
UPDATE incidents i SET search_text = LOWER(i.description) || E'\n'
    || LOWER(COALESCE(i.subject_ref, '')) || E'\n' || LOWER(c.name)
FROM customers c WHERE c.id = i.customer_id;
ALTER TABLE incidents ENABLE TRIGGER report_incidents;

DROP INDEX incidents_description_search_idx;
DROP INDEX incidents_subject_ref_search_idx;
CREATE INDEX incidents_search_text_idx ON incidents USING gin (search_text gin_trgm_ops);
