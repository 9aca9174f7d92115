-- Case numbers (HSP-2026-0042 is number 42 of station HSP's register for 2026), merged duplicate
-- recipients (their cases and sessions count as the survivor's), and the urgent-risk flag the station
-- head lowers by taking it up.
ALTER TABLE cases ADD COLUMN number integer;
ALTER TABLE cases ADD COLUMN urgent_since date;
ALTER TABLE cases ADD COLUMN urgent_acknowledged_by text;
ALTER TABLE cases ADD COLUMN urgent_acknowledged_on date;
CREATE INDEX cases_by_recipient ON cases (recipient_id);
CREATE INDEX cases_urgent ON cases (station_id) WHERE urgent_since IS NOT NULL;

ALTER TABLE recipients ADD COLUMN merged_into text;
ALTER TABLE recipients ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
CREATE INDEX recipients_by_station ON recipients (station_id, seq);
