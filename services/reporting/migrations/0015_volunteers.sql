-- Volunteers (no personal data: names, ID numbers and contacts stay sealed in activities), their service
-- records, leaders, teams and trainings.
CREATE TABLE volunteers (
    seq                bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    volunteer_id       text PRIMARY KEY,
    station_id         text NOT NULL,
    gender             text NOT NULL,
    birth_year         integer NOT NULL,
    age_group          text NOT NULL,
    party_member       boolean NOT NULL,
    residence_area     text NOT NULL,
    skills             text[] NOT NULL,
    service_categories text[] NOT NULL,
    registered_on      date NOT NULL,
    leader_since       date,
    erased             boolean NOT NULL DEFAULT false
);

CREATE TABLE volunteer_services (
    volunteer_id     text NOT NULL,
    record_id        text NOT NULL,
    station_id       text NOT NULL,
    served_on        date NOT NULL,
    place            text NOT NULL,
    content          text NOT NULL,
    hours            double precision NOT NULL,
    organising_unit  text NOT NULL,
    person_in_charge text NOT NULL,
    activity_id      text,
    recorded_on      date NOT NULL,
    late             boolean NOT NULL,
    PRIMARY KEY (volunteer_id, record_id)
);
CREATE INDEX volunteer_services_by_station_day ON volunteer_services (station_id, served_on);

CREATE TABLE volunteer_teams (
    team_id    text PRIMARY KEY,
    station_id text NOT NULL,
    name       text NOT NULL,
    kind       text NOT NULL,
    community  text NOT NULL,
    formed_on  date NOT NULL
);

CREATE TABLE volunteer_team_members (
    team_id      text NOT NULL,
    volunteer_id text NOT NULL,
    joined_on    date NOT NULL,
    PRIMARY KEY (team_id, volunteer_id)
);

CREATE TABLE trainings (
    training_id  text PRIMARY KEY,
    station_id   text NOT NULL,
    name         text NOT NULL,
    content      text NOT NULL,
    hours        double precision NOT NULL,
    organiser    text NOT NULL,
    held_on      date NOT NULL,
    attendee_ids text[] NOT NULL
);
