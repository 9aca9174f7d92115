-- 一督二会: supervision sessions with their agreed actions, and project meetings for one or more stations.
CREATE TABLE supervisions (
    seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    supervision_id  text PRIMARY KEY,
    station_id      text NOT NULL,
    supervisor_id   text NOT NULL,
    supervisor_kind text NOT NULL,
    staff_ids       text[] NOT NULL,
    held_on         date NOT NULL,
    hours           double precision NOT NULL,
    topics          text[] NOT NULL,
    cases_reviewed  integer NOT NULL
);
CREATE INDEX supervisions_by_station_day ON supervisions (station_id, held_on);

CREATE TABLE supervision_actions (
    supervision_id text NOT NULL,
    action_id      text NOT NULL,
    description    text NOT NULL,
    owner          text NOT NULL,
    due_on         date NOT NULL,
    done_on        date,
    note           text NOT NULL DEFAULT '',
    PRIMARY KEY (supervision_id, action_id)
);

CREATE TABLE meetings (
    seq          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    meeting_id   text PRIMARY KEY,
    mode         text NOT NULL,
    starts_at    timestamptz NOT NULL,
    attendees    text[] NOT NULL,
    decisions    text[] NOT NULL,
    action_items text[] NOT NULL
);

CREATE TABLE meeting_stations (
    meeting_id text NOT NULL,
    station_id text NOT NULL,
    PRIMARY KEY (meeting_id, station_id)
);
