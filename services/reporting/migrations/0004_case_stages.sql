-- Where each case stands: stage, risk, and its service plan's approval.
ALTER TABLE cases ADD COLUMN stage text NOT NULL DEFAULT 'intake';
ALTER TABLE cases ADD COLUMN risk_level text;
ALTER TABLE cases ADD COLUMN assessed_on date;
ALTER TABLE cases ADD COLUMN plan_version integer NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN plan_status text NOT NULL DEFAULT 'none';
ALTER TABLE cases ADD COLUMN approved_plan_version integer NOT NULL DEFAULT 0;
UPDATE cases SET stage = 'closed' WHERE status = 'closed';
CREATE INDEX cases_by_station_risk ON cases (station_id, risk_level);
