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
);
CREATE INDEX open_work_assignee_idx ON open_work (assignee_id, loyalty_segment, loyalty_score, customer_id);
CREATE INDEX open_work_standing_idx ON open_work (loyalty_segment, loyalty_score, customer_id);
CREATE INDEX open_work_customer_idx ON open_work (customer_id);

INSERT INTO open_work (kind, record_id, assignee_id, customer_id, loyalty_segment, loyalty_score)
SELECT 'incident', i.id, i.assignee_id, i.customer_id, c.loyalty_segment, c.loyalty_score
FROM incidents i JOIN customers c ON c.id = i.customer_id WHERE i.status <> 'resolved';
INSERT INTO open_work (kind, record_id, assignee_id, customer_id, loyalty_segment, loyalty_score)
SELECT 'follow_up', u.id, u.assignee_id, u.customer_id, c.loyalty_segment, c.loyalty_score
FROM follow_ups u JOIN customers c ON c.id = u.customer_id WHERE u.status = 'open';

CREATE FUNCTION open_work_incident() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM open_work WHERE kind = 'incident' AND record_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status <> 'resolved' THEN
        INSERT INTO open_work (kind, record_id, assignee_id, customer_id, loyalty_segment, loyalty_score)
        SELECT 'incident', NEW.id, NEW.assignee_id, NEW.customer_id, c.loyalty_segment, c.loyalty_score
        FROM customers c WHERE c.id = NEW.customer_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER open_work_incidents
    AFTER INSERT OR UPDATE OF status, assignee_id, customer_id OR DELETE ON incidents
    FOR EACH ROW EXECUTE FUNCTION open_work_incident();

CREATE FUNCTION open_work_follow_up() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM open_work WHERE kind = 'follow_up' AND record_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'open' THEN
        INSERT INTO open_work (kind, record_id, assignee_id, customer_id, loyalty_segment, loyalty_score)
        SELECT 'follow_up', NEW.id, NEW.assignee_id, NEW.customer_id, c.loyalty_segment, c.loyalty_score
        FROM customers c WHERE c.id = NEW.customer_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER open_work_follow_ups
    AFTER INSERT OR UPDATE OF status, assignee_id, customer_id OR DELETE ON follow_ups
    FOR EACH ROW EXECUTE FUNCTION open_work_follow_up();

CREATE FUNCTION open_work_standing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE open_work SET loyalty_segment = NEW.loyalty_segment, loyalty_score = NEW.loyalty_score
    WHERE customer_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER open_work_customers AFTER UPDATE OF loyalty_segment, loyalty_score ON customers
    FOR EACH ROW
    WHEN (OLD.loyalty_segment IS DISTINCT FROM NEW.loyalty_segment
          OR OLD.loyalty_score IS DISTINCT FROM NEW.loyalty_score)
    EXECUTE FUNCTION open_work_standing();

-- Statistics now: without them PostgreSQL guesses the table tiny and sorts every detractor's
-- open work to find the first hundred, rather than reading them in order from the index.
ANALYZE open_work;

-- Which associates logged a story in a week: the week's story rows from the index alone
-- (without it, PostgreSQL read every figure of every owner for that week).
CREATE INDEX report_figures_week_figure_idx ON report_figures (week, figure) INCLUDE (staff_id, value);

