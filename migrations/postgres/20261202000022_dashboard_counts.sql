-- The dashboard counts open work on every visit. Overdue incidents are read from a covering
-- index of the unresolved ones (their severity and times, by which the service levels judge
-- them), and this week's proactive incidents from an index of the proactive ones by detection
-- time: each count reads only the index entries it counts, however long the history.
CREATE INDEX incidents_unresolved_sla_idx
    ON incidents (status, severity, acknowledged_at, detected_at) WHERE status <> 'resolved';
CREATE INDEX incidents_proactive_detected_idx ON incidents (detected_at) WHERE proactive = 1;
