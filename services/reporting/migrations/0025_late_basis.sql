-- What a volunteer service record's late flag counted working days by: China's calendar, or Monday to Friday for
-- a year nobody had declared. Records made before the calendar counted Monday to Friday (VolunteerServiceRecorded
-- v1, upcast to weekdays_only), which is what the default says of the rows already here.
ALTER TABLE volunteer_services ADD COLUMN late_basis text NOT NULL DEFAULT 'weekdays_only';
