-- The dashboard counts its four open-work figures (not yet picked up, being recovered, past the
-- service level, assigned to the viewer) in one pass over the unresolved incidents. The covering
-- index of the unresolved ones gains the assignee, so that pass reads the index alone: at a
-- million customers (9,213 unresolved incidents) it read every one of their rows (16 ms warm
-- on PostgreSQL) where the index answers in 1.5 ms.
DROP INDEX incidents_unresolved_sla_idx;
CREATE INDEX incidents_open_work_idx
    ON incidents (status, severity, acknowledged_at, detected_at, assignee_id)
    WHERE status <> 'resolved';
