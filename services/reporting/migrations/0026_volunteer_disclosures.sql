-- Who read which volunteer's personal data unmasked, when and why: the volunteers' side of `disclosures`.
CREATE TABLE volunteer_disclosures (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    volunteer_id text        NOT NULL,
    station_id   text        NOT NULL,
    fields       text[]      NOT NULL,
    purpose      text        NOT NULL,
    read_by      text        NOT NULL,
    read_by_role text        NOT NULL,
    read_at      timestamptz NOT NULL
);
CREATE INDEX volunteer_disclosures_by_station ON volunteer_disclosures (station_id, seq);
