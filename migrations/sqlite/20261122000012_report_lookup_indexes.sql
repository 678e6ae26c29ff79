-- Each customer's standing by id from a narrow index rather than the wide customers rows: the
-- weekly report looks up the standing of every customer a team has open work with, scattered
-- over the table. (PostgreSQL has had its own since the open-work indexes.)
CREATE INDEX customers_standing_idx ON customers (id, loyalty_segment, loyalty_score);

-- A team's members, for every team the report's scope menu counts.
CREATE INDEX staff_users_team_idx ON staff_users (team_id);
