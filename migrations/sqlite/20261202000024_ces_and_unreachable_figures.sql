-- The weekly figures gained the Customer Effort Score (answers, easy answers, their sum) and the
-- lukewarm follow-ups closed without reaching the customer (now kept apart from "good hid a
-- problem"). Weeks stored before lack those counts: they are dropped here and computed again
-- from the raw rows when a report or the dashboard next reads them, or by the report refresh
-- job, whichever comes first.
DELETE FROM report_touches;
DELETE FROM report_figures;
DELETE FROM report_recovery_times;
DELETE FROM report_weeks;
