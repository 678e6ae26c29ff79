-- A team's members, for every team the report's scope menu counts. (SQLite's migration of the
-- same number also adds the customer standing index PostgreSQL has had since the open-work
-- indexes.)
CREATE INDEX staff_users_team_idx ON staff_users (team_id);

-- One owner's run of weeks from the index alone. Without these PostgreSQL read the
-- organisation's weeks through the week index, filtering out every other owner's rows (10 ms a
-- report at a million customers); SQLite's tables are kept in this order already.
CREATE INDEX report_figures_owner_week_idx ON report_figures (staff_id, week) INCLUDE (figure, value);
CREATE INDEX report_recovery_times_owner_week_idx ON report_recovery_times (staff_id, week) INCLUDE (tenths, n);
