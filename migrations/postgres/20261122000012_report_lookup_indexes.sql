-- A team's members, for every team the report's scope menu counts. (SQLite's migration of the
-- same number also adds the customer standing index PostgreSQL has had since the open-work
-- indexes.)
CREATE INDEX staff_users_team_idx ON staff_users (team_id);
