-- Where each durable consumer has got to: applied in the same transaction as the read models.
CREATE TABLE consumer_checkpoints (
    consumer   text        PRIMARY KEY,
    stream_seq bigint      NOT NULL DEFAULT 0,
    applied    bigint      NOT NULL DEFAULT 0,
    last_event_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The last version applied of every source stream: consistency tokens wait on it,
-- and a redelivered event at or below it is passed over.
CREATE TABLE applied_versions (
    stream_id text    PRIMARY KEY,
    version   integer NOT NULL
);

CREATE TABLE stations (
    station_id text PRIMARY KEY,
    street_id  text NOT NULL,
    name       text NOT NULL,
    code       text NOT NULL,
    opened_on  date NOT NULL
);

CREATE TABLE streets (
    street_id text PRIMARY KEY,
    name      text NOT NULL,
    district  text NOT NULL
);

CREATE TABLE communities (
    community_id text PRIMARY KEY,
    street_id    text NOT NULL,
    name         text NOT NULL,
    kind         text NOT NULL
);

CREATE TABLE recipients (
    recipient_id text PRIMARY KEY,
    station_id   text NOT NULL,
    name         text NOT NULL,
    community    text NOT NULL,
    categories   text[] NOT NULL
);

CREATE TABLE cases (
    seq                bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    case_id            text PRIMARY KEY,
    station_id         text NOT NULL,
    recipient_id       text NOT NULL,
    worker_id          text NOT NULL,
    intake_source      text NOT NULL,
    presenting_problem text NOT NULL,
    status             text NOT NULL,
    opened_on          date NOT NULL,
    closed_on          date,
    close_reason       text,
    outcome            text,
    session_count      integer NOT NULL DEFAULT 0,
    last_session_on    date
);
CREATE INDEX cases_by_station ON cases (station_id, status, seq);

CREATE TABLE case_sessions (
    session_id       text PRIMARY KEY,
    case_id          text NOT NULL,
    station_id       text NOT NULL,
    recipient_id     text NOT NULL,
    held_on          date NOT NULL,
    mode             text NOT NULL,
    duration_minutes integer NOT NULL,
    participants     integer NOT NULL
);
CREATE INDEX case_sessions_by_station_day ON case_sessions (station_id, held_on);
