-- Street-level meetings a station convenes (黑石聚力会's monthly salon of community social organisations, the street's joint meeting), and the organisations that came to each.
CREATE TABLE street_meetings (
    seq        bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    meeting_id text PRIMARY KEY,
    station_id text NOT NULL,
    kind       text NOT NULL,
    title      text NOT NULL,
    held_on    date NOT NULL,
    present    text[] NOT NULL,
    agenda     text[] NOT NULL,
    minutes    text NOT NULL,
    project_id text
);

CREATE INDEX street_meetings_by_station_and_day ON street_meetings (station_id, held_on);

CREATE TABLE street_meeting_organisations (
    meeting_id      text NOT NULL,
    organisation_id text NOT NULL,
    station_id      text NOT NULL,
    held_on         date NOT NULL,
    position        integer NOT NULL,
    PRIMARY KEY (meeting_id, organisation_id)
);

CREATE INDEX street_meeting_organisations_by_organisation ON street_meeting_organisations (organisation_id);
