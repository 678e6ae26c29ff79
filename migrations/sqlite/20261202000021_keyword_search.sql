-- Keyword search reads a text index instead of scanning every row with LIKE. Each index is an
-- FTS5 table with the trigram tokenizer, which matches any run of three or more characters
-- anywhere in the text, case-insensitively: the same "contains" the LIKE search had, for part
-- of a name, an email, a reference or a word. Shorter searches still use LIKE, as trigrams
-- cannot serve them. The tables are contentless (they hold the index only, keyed by the row's
-- id) and kept current by triggers, in the transaction of each change; the rows already
-- written are indexed here.

-- Customers: name, email and external reference (a column filter reads the name alone).
CREATE VIRTUAL TABLE customers_search USING fts5(
    name, email, external_ref, content = '', contentless_delete = 1, tokenize = 'trigram'
);
INSERT INTO customers_search (rowid, name, email, external_ref)
    SELECT id, name, email, external_ref FROM customers;
CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customers_search (rowid, name, email, external_ref)
        VALUES (new.id, new.name, new.email, new.external_ref);
END;
CREATE TRIGGER customers_search_update AFTER UPDATE OF name, email, external_ref ON customers
WHEN old.name IS NOT new.name OR old.email IS NOT new.email
    OR old.external_ref IS NOT new.external_ref BEGIN
    DELETE FROM customers_search WHERE rowid = old.id;
    INSERT INTO customers_search (rowid, name, email, external_ref)
        VALUES (new.id, new.name, new.email, new.external_ref);
END;
CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
    DELETE FROM customers_search WHERE rowid = old.id;
END;

-- Incidents: description and subject reference (the customer's name is the customers' index).
CREATE VIRTUAL TABLE incidents_search USING fts5(
    description, subject_ref, content = '', contentless_delete = 1, tokenize = 'trigram'
);
INSERT INTO incidents_search (rowid, description, subject_ref)
    SELECT id, description, subject_ref FROM incidents;
CREATE TRIGGER incidents_search_insert AFTER INSERT ON incidents BEGIN
    INSERT INTO incidents_search (rowid, description, subject_ref)
        VALUES (new.id, new.description, new.subject_ref);
END;
CREATE TRIGGER incidents_search_update AFTER UPDATE OF description, subject_ref ON incidents
WHEN old.description IS NOT new.description OR old.subject_ref IS NOT new.subject_ref BEGIN
    DELETE FROM incidents_search WHERE rowid = old.id;
    INSERT INTO incidents_search (rowid, description, subject_ref)
        VALUES (new.id, new.description, new.subject_ref);
END;
CREATE TRIGGER incidents_search_delete AFTER DELETE ON incidents BEGIN
    DELETE FROM incidents_search WHERE rowid = old.id;
END;

-- Feedback: the customer's comment.
CREATE VIRTUAL TABLE feedback_search USING fts5(
    comment, content = '', contentless_delete = 1, tokenize = 'trigram'
);
INSERT INTO feedback_search (rowid, comment) SELECT id, comment FROM feedback;
CREATE TRIGGER feedback_search_insert AFTER INSERT ON feedback BEGIN
    INSERT INTO feedback_search (rowid, comment) VALUES (new.id, new.comment);
END;
CREATE TRIGGER feedback_search_update AFTER UPDATE OF comment ON feedback
WHEN old.comment IS NOT new.comment BEGIN
    DELETE FROM feedback_search WHERE rowid = old.id;
    INSERT INTO feedback_search (rowid, comment) VALUES (new.id, new.comment);
END;
CREATE TRIGGER feedback_search_delete AFTER DELETE ON feedback BEGIN
    DELETE FROM feedback_search WHERE rowid = old.id;
END;

-- Stories: their text as one, as the search has always read it.
CREATE VIRTUAL TABLE stories_search USING fts5(
    body, content = '', contentless_delete = 1, tokenize = 'trigram'
);
INSERT INTO stories_search (rowid, body)
    SELECT id, title || ' ' || situation || ' ' || action_taken || ' ' || result || ' '
        || lesson || ' ' || internal_notes FROM stories;
CREATE TRIGGER stories_search_insert AFTER INSERT ON stories BEGIN
    INSERT INTO stories_search (rowid, body)
        VALUES (new.id, new.title || ' ' || new.situation || ' ' || new.action_taken || ' '
            || new.result || ' ' || new.lesson || ' ' || new.internal_notes);
END;
CREATE TRIGGER stories_search_update
AFTER UPDATE OF title, situation, action_taken, result, lesson, internal_notes ON stories
WHEN old.title IS NOT new.title OR old.situation IS NOT new.situation
    OR old.action_taken IS NOT new.action_taken OR old.result IS NOT new.result
    OR old.lesson IS NOT new.lesson OR old.internal_notes IS NOT new.internal_notes BEGIN
    DELETE FROM stories_search WHERE rowid = old.id;
    INSERT INTO stories_search (rowid, body)
        VALUES (new.id, new.title || ' ' || new.situation || ' ' || new.action_taken || ' '
            || new.result || ' ' || new.lesson || ' ' || new.internal_notes);
END;
CREATE TRIGGER stories_search_delete AFTER DELETE ON stories BEGIN
    DELETE FROM stories_search WHERE rowid = old.id;
END;
