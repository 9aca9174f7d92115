-- Community social organisations (their leaders' names stay sealed in activities), their incubation milestones, filing and status, and their own activities.
CREATE TABLE organisations (
    seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    organisation_id text PRIMARY KEY,
    station_id      text NOT NULL,
    name            text NOT NULL,
    community       text NOT NULL,
    type            text NOT NULL,
    members         integer NOT NULL,
    founded_on      date NOT NULL,
    status          text NOT NULL DEFAULT 'incubating',
    milestones      text[] NOT NULL DEFAULT '{}',
    filing_number   text,
    filed_on        date
);

CREATE TABLE organisation_activities (
    organisation_id text NOT NULL,
    record_id       text NOT NULL,
    station_id      text NOT NULL,
    held_on         date NOT NULL,
    content         text NOT NULL,
    participants    integer NOT NULL,
    project_id      text,
    PRIMARY KEY (organisation_id, record_id)
);
