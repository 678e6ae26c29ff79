-- Each team's weekly counts are kept beside the organisation's (owner -1 - team id), so a team's
-- report reads one run of rows however many people it has. They are the sums of the current
-- members' rows: when someone joins or leaves a team, a touch with `teams` set makes the next
-- refresh regroup every week's team rows.
ALTER TABLE report_touches ADD COLUMN teams INTEGER NOT NULL DEFAULT 0;

CREATE FUNCTION report_touch_staff_team() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.team_id IS NOT NULL
        OR TG_OP = 'UPDATE' AND OLD.team_id IS DISTINCT FROM NEW.team_id
        OR TG_OP = 'DELETE' AND OLD.team_id IS NOT NULL THEN
        INSERT INTO report_touches (teams) VALUES (1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_staff_team AFTER INSERT OR UPDATE OR DELETE ON staff_users
    FOR EACH ROW EXECUTE FUNCTION report_touch_staff_team();

-- Team rows for the weeks already computed.
INSERT INTO report_touches (teams) VALUES (1);
