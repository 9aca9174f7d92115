-- The day each case event happened (its business date: a visit entered days late keeps the visit's day), beside
-- when it was recorded. Rows from before take the day they were recorded until the timeline projection (v2) is
-- rebuilt from the events, which fills the real day.
ALTER TABLE case_timeline ADD COLUMN happened_on date;
UPDATE case_timeline SET happened_on = (recorded_at AT TIME ZONE 'Asia/Shanghai')::date;
ALTER TABLE case_timeline ALTER COLUMN happened_on SET NOT NULL;
CREATE INDEX case_timeline_happened ON case_timeline (case_id, happened_on, version);
