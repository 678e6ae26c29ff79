-- Open work per assignee with its customer, read without visiting the rows: the weekly
-- report's customers at risk for a team or a person. Small, as open work is a sliver of history.
CREATE INDEX incidents_open_idx ON incidents (assignee_id, customer_id) WHERE status <> 'resolved';
CREATE INDEX follow_ups_open_idx ON follow_ups (assignee_id, customer_id) WHERE status = 'open';

-- A week's rows are found by week only to replace them; reads go by owner. (A wider index led
-- by week drew PostgreSQL's generic plans into reading every owner's rows for one owner's.)
DROP INDEX report_figures_figure_idx;
CREATE INDEX report_figures_week_idx ON report_figures (week);

-- One owner's figure over a run of weeks (return on recovery's rolling year), from the index alone.
CREATE INDEX report_figures_owner_figure_idx ON report_figures (staff_id, figure, week, value);

-- A customer's open work, for walking customers by standing and keeping those with some.
CREATE INDEX incidents_open_customer_idx ON incidents (customer_id) WHERE status <> 'resolved';
CREATE INDEX follow_ups_open_customer_idx ON follow_ups (customer_id) WHERE status = 'open';

-- Customers by standing with their ids, and each customer's standing by id, from the indexes
-- alone: the at-risk walk and the lookups of a team's customers with open work.
DROP INDEX customers_segment_idx;
CREATE INDEX customers_segment_idx ON customers (loyalty_segment, loyalty_score, id);
CREATE INDEX customers_standing_idx ON customers (id) INCLUDE (loyalty_segment, loyalty_score);
