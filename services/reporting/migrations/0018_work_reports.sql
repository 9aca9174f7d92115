-- 三报: every submitted version of a station's daily, weekly and monthly reports, locked as submitted.
CREATE TABLE work_reports (
    report_id         text    NOT NULL,
    version           integer NOT NULL,
    station_id        text    NOT NULL,
    kind              text    NOT NULL,
    period_start      date    NOT NULL,
    period_end        date    NOT NULL,
    figures           jsonb   NOT NULL,
    narrative         text    NOT NULL,
    submitted_by      text    NOT NULL,
    submitted_on      date    NOT NULL,
    correction_reason text,
    PRIMARY KEY (report_id, version)
);
CREATE INDEX work_reports_by_station ON work_reports (station_id, kind, period_start);

-- A team's leaders (队长) among its members.
ALTER TABLE volunteer_team_members ADD COLUMN leader boolean NOT NULL DEFAULT false;
