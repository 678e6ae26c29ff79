-- The weekly report reads applied recovery actions per incident, and incidents by when they
-- were resolved: without these the planner scans every action for every incident.
CREATE INDEX recovery_actions_incident_status_idx ON recovery_actions (incident_id, status);
CREATE INDEX incidents_resolved_idx ON incidents (resolved_at);
CREATE INDEX referrals_occurred_idx ON referrals (occurred_at);
CREATE INDEX advocacy_occurred_idx ON advocacy_events (occurred_at);
