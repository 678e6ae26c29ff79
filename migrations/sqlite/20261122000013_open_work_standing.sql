-- Open work (unresolved incidents, open follow-ups) with its customer's standing, kept by the
-- triggers below in the same transaction as the change. The weekly report's customers at risk
-- are read from here in standing order: no probe into the customers per piece of open work,
-- however large the customer base.
CREATE TABLE open_work (
    kind TEXT NOT NULL CHECK (kind IN ('incident', 'follow_up')),
    record_id BIGINT NOT NULL,
    assignee_id BIGINT,
    customer_id BIGINT NOT NULL,
    loyalty_segment TEXT,
    loyalty_score BIGINT,
    PRIMARY KEY (kind, record_id)
) WITHOUT ROWID;
CREATE INDEX open_work_assignee_idx ON open_work (assignee_id, loyalty_segment, loyalty_score, customer_id);
CREATE INDEX open_work_standing_idx ON open_work (loyalty_segment, loyalty_score, customer_id);
CREATE INDEX open_work_customer_idx ON open_work (customer_id);

INSERT INTO open_work (kind, record_id, assignee_id, customer_id, loyalty_segment, loyalty_score)
SELECT 'incident', i.id, i.assignee_id, i.customer_id, c.loyalty_segment, c.loyalty_score
FROM incidents i JOIN customers c ON c.id = i.customer_id WHERE i.status <> 'resolved';
INSERT INTO open_work (kind, record_id, assignee_id, customer_id, loyalty_segment, loyalty_score)
SELECT 'follow_up', u.id, u.assignee_id, u.customer_id, c.loyalty_segment, c.loyalty_score
FROM follow_ups u JOIN customers c ON c.id = u.customer_id WHERE u.status = 'open';

CREATE TRIGGER open_work_incidents_insert AFTER INSERT ON incidents
WHEN NEW.status <> 'resolved' BEGIN
    INSERT INTO open_work (kind, record_id, assignee_id, customer_id, loyalty_segment, loyalty_score)
    SELECT 'incident', NEW.id, NEW.assignee_id, NEW.customer_id, loyalty_segment, loyalty_score
    FROM customers WHERE id = NEW.customer_id;
END;
CREATE TRIGGER open_work_incidents_update AFTER UPDATE OF status, assignee_id, customer_id ON incidents
BEGIN
    DELETE FROM open_work WHERE kind = 'incident' AND record_id = OLD.id;
    INSERT INTO open_work (kind, record_id, assignee_id, customer_id, loyalty_segment, loyalty_score)
    SELECT 'incident', NEW.id, NEW.assignee_id, NEW.customer_id, loyalty_segment, loyalty_score
    FROM customers WHERE id = NEW.customer_id AND NEW.status <> 'resolved';
END;
CREATE TRIGGER open_work_incidents_delete AFTER DELETE ON incidents BEGIN
    DELETE FROM open_work WHERE kind = 'incident' AND record_id = OLD.id;
END;

CREATE TRIGGER open_work_follow_ups_insert AFTER INSERT ON follow_ups
WHEN NEW.status = 'open' BEGIN
    INSERT INTO open_work (kind, record_id, assignee_id, customer_id, loyalty_segment, loyalty_score)
    SELECT 'follow_up', NEW.id, NEW.assignee_id, NEW.customer_id, loyalty_segment, loyalty_score
    FROM customers WHERE id = NEW.customer_id;
END;
CREATE TRIGGER open_work_follow_ups_update AFTER UPDATE OF status, assignee_id, customer_id ON follow_ups
BEGIN
    DELETE FROM open_work WHERE kind = 'follow_up' AND record_id = OLD.id;
    INSERT INTO open_work (kind, record_id, assignee_id, customer_id, loyalty_segment, loyalty_score)
    SELECT 'follow_up', NEW.id, NEW.assignee_id, NEW.customer_id, loyalty_segment, loyalty_score
    FROM customers WHERE id = NEW.customer_id AND NEW.status = 'open';
END;
CREATE TRIGGER open_work_follow_ups_delete AFTER DELETE ON follow_ups BEGIN
    DELETE FROM open_work WHERE kind = 'follow_up' AND record_id = OLD.id;
END;

CREATE TRIGGER open_work_customers AFTER UPDATE OF loyalty_segment, loyalty_score ON customers
WHEN OLD.loyalty_segment IS NOT NEW.loyalty_segment OR OLD.loyalty_score IS NOT NEW.loyalty_score
BEGIN
    UPDATE open_work SET loyalty_segment = NEW.loyalty_segment, loyalty_score = NEW.loyalty_score
    WHERE customer_id = NEW.id;
END;
