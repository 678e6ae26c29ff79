-- Weekly report aggregates. Every change to a row a weekly figure reads leaves a touch (by the
-- triggers below, in the same transaction as the change); before the report reads, the weeks
-- those touches name are recomputed from the raw rows, so the aggregates always equal a full
-- recomputation and the report's cost does not grow with history.
CREATE TABLE report_touches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- A moment whose week changed; with until_at, every week from at's to until_at's.
    at BIGINT,
    until_at BIGINT,
    -- A local date whose week changed (stories happen on a day).
    day TEXT,
    -- A customer whose recoveries around `at` may have gained or lost what followed them.
    customer_id BIGINT
);

-- A week (its Monday) as computed, in which time zone, and whether it had ended by then.
CREATE TABLE report_weeks (
    week TEXT PRIMARY KEY,
    time_zone TEXT NOT NULL,
    complete INTEGER NOT NULL,
    computed_at BIGINT NOT NULL
);

-- Additive counts per week and owner (staff id; 0 = unassigned; -1 = the whole organisation),
-- kept in owner order: the report reads one owner's (or a team's) run of weeks.
CREATE TABLE report_figures (
    week TEXT NOT NULL,
    staff_id BIGINT NOT NULL,
    figure TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (staff_id, week, figure)
) WITHOUT ROWID;

CREATE INDEX report_figures_figure_idx ON report_figures (week, figure, staff_id);

-- Times to recover of the incidents resolved in the week, per owner, in tenths of an hour.
CREATE TABLE report_recovery_times (
    week TEXT NOT NULL,
    staff_id BIGINT NOT NULL,
    tenths BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (staff_id, week, tenths)
) WITHOUT ROWID;

CREATE INDEX report_recovery_times_week_idx ON report_recovery_times (week);

-- The report's lists walk open work by assignee.
CREATE INDEX incidents_assignee_status_idx ON incidents (assignee_id, status);
CREATE INDEX follow_ups_open_due_idx ON follow_ups (status, due_at);
-- Without this, "this customer's open follow-ups" would walk every open one by due time.
CREATE INDEX follow_ups_customer_status_idx ON follow_ups (customer_id, status);

-- A recovery's moment, and what the triggers look up by parent.
CREATE INDEX incidents_moment_idx ON incidents (COALESCE(resolved_at, detected_at));
CREATE INDEX incidents_customer_moment_idx ON incidents (customer_id, COALESCE(resolved_at, detected_at));
CREATE INDEX recovery_actions_moment_idx ON recovery_actions (COALESCE(decided_at, created_at));
CREATE INDEX feedback_incident_idx ON feedback (incident_id);
CREATE INDEX referrals_incident_idx ON referrals (incident_id);
CREATE INDEX referrals_story_idx ON referrals (story_id);
CREATE INDEX advocacy_incident_idx ON advocacy_events (incident_id);
CREATE INDEX advocacy_story_idx ON advocacy_events (story_id);
CREATE INDEX follow_ups_due_idx ON follow_ups (due_at);

-- Incidents: opened, resolved, time to recover; the customer's recoveries around it; and when
-- the assignee changes, everything owned through the incident.
CREATE TRIGGER report_incidents_insert AFTER INSERT ON incidents BEGIN
    INSERT INTO report_touches (at, customer_id) VALUES
        (NEW.detected_at, NULL), (NEW.resolved_at, NULL),
        (COALESCE(NEW.resolved_at, NEW.detected_at), NEW.customer_id);
END;
CREATE TRIGGER report_incidents_update AFTER UPDATE ON incidents BEGIN
    INSERT INTO report_touches (at, customer_id) VALUES
        (OLD.detected_at, NULL), (OLD.resolved_at, NULL),
        (NEW.detected_at, NULL), (NEW.resolved_at, NULL),
        (COALESCE(OLD.resolved_at, OLD.detected_at), OLD.customer_id),
        (COALESCE(NEW.resolved_at, NEW.detected_at), NEW.customer_id);
END;
CREATE TRIGGER report_incidents_reassign AFTER UPDATE OF assignee_id ON incidents
WHEN OLD.assignee_id IS NOT NEW.assignee_id BEGIN
    INSERT INTO report_touches (at) SELECT received_at FROM feedback WHERE incident_id = NEW.id;
    INSERT INTO report_touches (at)
        SELECT COALESCE(decided_at, created_at) FROM recovery_actions WHERE incident_id = NEW.id;
    INSERT INTO report_touches (at) SELECT occurred_at FROM referrals WHERE incident_id = NEW.id;
    INSERT INTO report_touches (at) SELECT placed_at FROM orders
        WHERE customer_id IN (SELECT referred_customer_id FROM referrals WHERE incident_id = NEW.id);
    INSERT INTO report_touches (at) SELECT occurred_at FROM advocacy_events WHERE incident_id = NEW.id;
END;
CREATE TRIGGER report_incidents_delete AFTER DELETE ON incidents BEGIN
    INSERT INTO report_touches (at, customer_id) VALUES
        (OLD.detected_at, NULL), (OLD.resolved_at, NULL),
        (COALESCE(OLD.resolved_at, OLD.detected_at), OLD.customer_id);
END;

-- Recovery actions: spend when applied, and whether the incident is a recovery at all.
CREATE TRIGGER report_actions_insert AFTER INSERT ON recovery_actions BEGIN
    INSERT INTO report_touches (at) VALUES (COALESCE(NEW.decided_at, NEW.created_at));
    INSERT INTO report_touches (at, customer_id)
        SELECT COALESCE(resolved_at, detected_at), customer_id FROM incidents WHERE id = NEW.incident_id;
END;
CREATE TRIGGER report_actions_update AFTER UPDATE ON recovery_actions BEGIN
    INSERT INTO report_touches (at) VALUES
        (COALESCE(OLD.decided_at, OLD.created_at)), (COALESCE(NEW.decided_at, NEW.created_at));
    INSERT INTO report_touches (at, customer_id)
        SELECT COALESCE(resolved_at, detected_at), customer_id FROM incidents
        WHERE id IN (OLD.incident_id, NEW.incident_id);
END;
CREATE TRIGGER report_actions_delete AFTER DELETE ON recovery_actions BEGIN
    INSERT INTO report_touches (at) VALUES (COALESCE(OLD.decided_at, OLD.created_at));
    INSERT INTO report_touches (at, customer_id)
        SELECT COALESCE(resolved_at, detected_at), customer_id FROM incidents WHERE id = OLD.incident_id;
END;

-- Feedback answers.
CREATE TRIGGER report_feedback_insert AFTER INSERT ON feedback BEGIN
    INSERT INTO report_touches (at) VALUES (NEW.received_at);
END;
CREATE TRIGGER report_feedback_update AFTER UPDATE ON feedback BEGIN
    INSERT INTO report_touches (at) VALUES (OLD.received_at), (NEW.received_at);
END;
CREATE TRIGGER report_feedback_delete AFTER DELETE ON feedback BEGIN
    INSERT INTO report_touches (at) VALUES (OLD.received_at);
END;

-- Follow-ups: closed, overdue from their due time until closed, and their answer's owner.
CREATE TRIGGER report_follow_ups_insert AFTER INSERT ON follow_ups BEGIN
    INSERT INTO report_touches (at, until_at) VALUES
        (NEW.closed_at, NULL), (NEW.due_at, COALESCE(NEW.closed_at, 9000000000000000));
    INSERT INTO report_touches (at) SELECT received_at FROM feedback WHERE id = NEW.feedback_id;
END;
CREATE TRIGGER report_follow_ups_update AFTER UPDATE ON follow_ups BEGIN
    INSERT INTO report_touches (at, until_at) VALUES
        (OLD.closed_at, NULL), (OLD.due_at, COALESCE(OLD.closed_at, 9000000000000000)),
        (NEW.closed_at, NULL), (NEW.due_at, COALESCE(NEW.closed_at, 9000000000000000));
    INSERT INTO report_touches (at) SELECT received_at FROM feedback
        WHERE id IN (OLD.feedback_id, NEW.feedback_id);
END;
CREATE TRIGGER report_follow_ups_delete AFTER DELETE ON follow_ups BEGIN
    INSERT INTO report_touches (at, until_at) VALUES
        (OLD.closed_at, NULL), (OLD.due_at, COALESCE(OLD.closed_at, 9000000000000000));
    INSERT INTO report_touches (at) SELECT received_at FROM feedback WHERE id = OLD.feedback_id;
END;

-- Stories, their kudos and spotlight; referrals and posts owned through a story.
CREATE TRIGGER report_stories_insert AFTER INSERT ON stories BEGIN
    INSERT INTO report_touches (day, at) VALUES (NEW.occurred_on, NEW.spotlighted_at);
END;
CREATE TRIGGER report_stories_update AFTER UPDATE ON stories BEGIN
    INSERT INTO report_touches (day, at) VALUES
        (OLD.occurred_on, OLD.spotlighted_at), (NEW.occurred_on, NEW.spotlighted_at);
END;
CREATE TRIGGER report_stories_reassign AFTER UPDATE OF associate_id ON stories
WHEN OLD.associate_id IS NOT NEW.associate_id BEGIN
    INSERT INTO report_touches (at) SELECT created_at FROM story_kudos WHERE story_id = NEW.id;
    INSERT INTO report_touches (at) SELECT occurred_at FROM referrals WHERE story_id = NEW.id;
    INSERT INTO report_touches (at) SELECT placed_at FROM orders
        WHERE customer_id IN (SELECT referred_customer_id FROM referrals WHERE story_id = NEW.id);
    INSERT INTO report_touches (at) SELECT occurred_at FROM advocacy_events WHERE story_id = NEW.id;
END;
CREATE TRIGGER report_stories_delete AFTER DELETE ON stories BEGIN
    INSERT INTO report_touches (day, at) VALUES (OLD.occurred_on, OLD.spotlighted_at);
END;
CREATE TRIGGER report_kudos_insert AFTER INSERT ON story_kudos BEGIN
    INSERT INTO report_touches (at) VALUES (NEW.created_at);
END;
CREATE TRIGGER report_kudos_update AFTER UPDATE ON story_kudos BEGIN
    INSERT INTO report_touches (at) VALUES (OLD.created_at), (NEW.created_at);
END;
CREATE TRIGGER report_kudos_delete AFTER DELETE ON story_kudos BEGIN
    INSERT INTO report_touches (at) VALUES (OLD.created_at);
END;

-- Referrals: the week's referrals and the referred customer's orders; the referrer's recoveries.
CREATE TRIGGER report_referrals_insert AFTER INSERT ON referrals BEGIN
    INSERT INTO report_touches (at, customer_id) VALUES (NEW.occurred_at, NEW.referrer_id);
    INSERT INTO report_touches (at) SELECT placed_at FROM orders WHERE customer_id = NEW.referred_customer_id;
    INSERT INTO report_touches (at)
        SELECT COALESCE(resolved_at, detected_at) FROM incidents WHERE id = NEW.incident_id;
END;
CREATE TRIGGER report_referrals_update AFTER UPDATE ON referrals BEGIN
    INSERT INTO report_touches (at, customer_id) VALUES
        (OLD.occurred_at, OLD.referrer_id), (NEW.occurred_at, NEW.referrer_id);
    INSERT INTO report_touches (at) SELECT placed_at FROM orders
        WHERE customer_id IN (OLD.referred_customer_id, NEW.referred_customer_id);
    INSERT INTO report_touches (at)
        SELECT COALESCE(resolved_at, detected_at) FROM incidents WHERE id IN (OLD.incident_id, NEW.incident_id);
END;
CREATE TRIGGER report_referrals_delete AFTER DELETE ON referrals BEGIN
    INSERT INTO report_touches (at, customer_id) VALUES (OLD.occurred_at, OLD.referrer_id);
    INSERT INTO report_touches (at) SELECT placed_at FROM orders WHERE customer_id = OLD.referred_customer_id;
    INSERT INTO report_touches (at)
        SELECT COALESCE(resolved_at, detected_at) FROM incidents WHERE id = OLD.incident_id;
END;

-- Posts and reviews: audience in the week; attributed to a recovery.
CREATE TRIGGER report_advocacy_insert AFTER INSERT ON advocacy_events BEGIN
    INSERT INTO report_touches (at) VALUES (NEW.occurred_at);
    INSERT INTO report_touches (at)
        SELECT COALESCE(resolved_at, detected_at) FROM incidents WHERE id = NEW.incident_id;
END;
CREATE TRIGGER report_advocacy_update AFTER UPDATE ON advocacy_events BEGIN
    INSERT INTO report_touches (at) VALUES (OLD.occurred_at), (NEW.occurred_at);
    INSERT INTO report_touches (at)
        SELECT COALESCE(resolved_at, detected_at) FROM incidents WHERE id IN (OLD.incident_id, NEW.incident_id);
END;
CREATE TRIGGER report_advocacy_delete AFTER DELETE ON advocacy_events BEGIN
    INSERT INTO report_touches (at) VALUES (OLD.occurred_at);
    INSERT INTO report_touches (at)
        SELECT COALESCE(resolved_at, detected_at) FROM incidents WHERE id = OLD.incident_id;
END;

-- Orders: referral revenue in their week; what followed (or preceded) the customer's recoveries.
CREATE TRIGGER report_orders_insert AFTER INSERT ON orders BEGIN
    INSERT INTO report_touches (at, customer_id) VALUES (NEW.placed_at, NEW.customer_id);
END;
CREATE TRIGGER report_orders_update AFTER UPDATE ON orders BEGIN
    INSERT INTO report_touches (at, customer_id) VALUES
        (OLD.placed_at, OLD.customer_id), (NEW.placed_at, NEW.customer_id);
END;
CREATE TRIGGER report_orders_delete AFTER DELETE ON orders BEGIN
    INSERT INTO report_touches (at, customer_id) VALUES (OLD.placed_at, OLD.customer_id);
END;
