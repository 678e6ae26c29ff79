-- The audit log is read newest first, (at, id) descending, walked by a cursor on (at, id): each
-- filter the page and the API offer has an index that starts with its columns and ends with
-- (at, id), so a page costs the same at a million entries as at a hundred. The older indexes
-- are replaced by ones that end with (at, id); every query that used them is served by these.
DROP INDEX audit_log_action_at_idx;
DROP INDEX audit_log_entity_idx;
CREATE INDEX audit_log_at_idx ON audit_log (at, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_kind, actor_id, at, id);
CREATE INDEX audit_log_action_idx ON audit_log (action, at, id);
CREATE INDEX audit_log_entity_at_idx ON audit_log (entity, at, id);
CREATE INDEX audit_log_record_idx ON audit_log (entity, entity_id, at, id);

-- Retention deletes the oldest signals and delivered emails in batches, oldest first.
CREATE INDEX signals_received_idx ON signals (received_at);
CREATE INDEX email_outbox_sent_idx ON email_outbox (status, sent_at);
CREATE INDEX webhook_deliveries_finished_idx ON webhook_deliveries (status, finished_at);
CREATE INDEX webhook_events_created_idx ON webhook_events (created_at);
