-- What a write service's consumers of other services' streams need (reporting's first migration has the same):
-- where each consumer has got to, and the last version applied of every source stream.
CREATE TABLE IF NOT EXISTS consumer_checkpoints (
    consumer      text        PRIMARY KEY,
    stream_seq    bigint      NOT NULL DEFAULT 0,
    applied       bigint      NOT NULL DEFAULT 0,
    last_event_at timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS applied_versions (
    stream_id text    PRIMARY KEY,
    version   integer NOT NULL
);
