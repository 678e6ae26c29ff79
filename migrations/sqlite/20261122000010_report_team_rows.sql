-- Each team's weekly counts are kept beside the organisation's (owner -1 - team id), so a team's
-- report reads one run of rows however many people it has. They are the sums of the current
-- members' rows: when someone joins or leaves a team, a touch with `teams` set makes the next
-- refresh regroup every week's team rows.
ALTER TABLE report_touches ADD COLUMN teams INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER report_staff_team_insert AFTER INSERT ON staff_users
WHEN NEW.team_id IS NOT NULL BEGIN
    INSERT INTO report_touches (teams) VALUES (1);
END;
CREATE TRIGGER report_staff_team_update AFTER UPDATE OF team_id ON staff_users
WHEN OLD.team_id IS NOT NEW.team_id BEGIN
    INSERT INTO report_touches (teams) VALUES (1);
END;
CREATE TRIGGER report_staff_team_delete AFTER DELETE ON staff_users
WHEN OLD.team_id IS NOT NULL BEGIN
    INSERT INTO report_touches (teams) VALUES (1);
END;

-- Team rows for the weeks already computed.
INSERT INTO report_touches (teams) VALUES (1);
