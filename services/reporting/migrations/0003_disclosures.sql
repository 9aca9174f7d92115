-- Who read which recipient's sensitive data unmasked, when and why: the audit the bureau reads.
CREATE TABLE disclosures (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient_id text        NOT NULL,
    station_id   text        NOT NULL,
    fields       text[]      NOT NULL,
    purpose      text        NOT NULL,
    read_by      text        NOT NULL,
    read_by_role text        NOT NULL,
    read_at      timestamptz NOT NULL
);
CREATE INDEX disclosures_by_station ON disclosures (station_id, seq);
