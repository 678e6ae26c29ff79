-- An incident's searched texts in one lower-cased column: its description, subject reference and
-- customer's name, a line each. A search reads the newest incidents one by one and checks this
-- column alone, where it joined every incident to its customer (a million customers do not stay
-- in memory, so each join could be a read from disk). The incidents' text index now indexes this
-- column, so the customer's name is found there too rather than through the customers' index and
-- a join. Kept current by triggers in the transaction of each change: the incident's own, and a
-- customer's rename.
ALTER TABLE incidents ADD COLUMN search_text TEXT NOT NULL DEFAULT '';

-- Writing the column is bookkeeping, not a change to the incident: the report's trigger skips it.
DROP TRIGGER report_incidents_update;
CREATE TRIGGER report_incidents_update AFTER UPDATE ON incidents
WHEN OLD.search_text IS NEW.search_text BEGIN
    INSERT INTO report_touches (at, customer_id) VALUES
        (OLD.detected_at, NULL), (OLD.resolved_at, NULL),
        (NEW.detected_at, NULL), (NEW.resolved_at, NULL),
        (COALESCE(OLD.resolved_at, OLD.detected_at), OLD.customer_id),
        (COALESCE(NEW.resolved_at, NEW.detected_at), NEW.customer_id);
END;

DROP TRIGGER incidents_search_insert;
DROP TRIGGER incidents_search_update;
DROP TRIGGER incidents_search_delete;
DROP TABLE incidents_search;
CREATE VIRTUAL TABLE incidents_search USING fts5(
    search_text, content = '', contentless_delete = 1, tokenize = 'trigram'
);

CREATE TRIGGER incidents_search_text_insert AFTER INSERT ON incidents BEGIN
    UPDATE incidents SET search_text = LOWER(NEW.description) || char(10)
        || LOWER(COALESCE(NEW.subject_ref, '')) || char(10)
        || LOWER(COALESCE((SELECT name FROM customers WHERE id = NEW.customer_id), ''))
    WHERE id = NEW.id;
END;
CREATE TRIGGER incidents_search_text_update
AFTER UPDATE OF description, subject_ref, customer_id ON incidents
WHEN OLD.description IS NOT NEW.description OR OLD.subject_ref IS NOT NEW.subject_ref
    OR OLD.customer_id IS NOT NEW.customer_id BEGIN
    UPDATE incidents SET search_text = LOWER(NEW.description) || char(10)
        || LOWER(COALESCE(NEW.subject_ref, '')) || char(10)
        || LOWER(COALESCE((SELECT name FROM customers WHERE id = NEW.customer_id), ''))
    WHERE id = NEW.id;
END;
CREATE TRIGGER customers_incidents_search_text AFTER UPDATE OF name ON customers
WHEN OLD.name IS NOT NEW.name BEGIN
    UPDATE incidents SET search_text = LOWER(description) || char(10)
        || LOWER(COALESCE(subject_ref, '')) || char(10) || LOWER(NEW.name)
    WHERE customer_id = NEW.id;
END;

-- The incidents already written, then their index.
UPDATE incidents SET search_text = LOWER(description) || char(10)
    || LOWER(COALESCE(subject_ref, '')) || char(10)
    || LOWER(COALESCE((SELECT name FROM customers c WHERE c.id = incidents.customer_id), ''));
INSERT INTO incidents_search (rowid, search_text) SELECT id, search_text FROM incidents;

-- The text index follows the column.
CREATE TRIGGER incidents_search_index AFTER UPDATE OF search_text ON incidents
WHEN OLD.search_text IS NOT NEW.search_text BEGIN
    DELETE FROM incidents_search WHERE rowid = OLD.id;
    INSERT INTO incidents_search (rowid, search_text) VALUES (NEW.id, NEW.search_text);
END;
CREATE TRIGGER incidents_search_delete AFTER DELETE ON incidents BEGIN
    DELETE FROM incidents_search WHERE rowid = OLD.id;
END;
