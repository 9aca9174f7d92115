-- A stream's state at a version, derived from its events and kept only to fold fewer of them: the events stay
-- the truth, and a snapshot of another decider version or state shape is ignored and replaced.
-- `persons` are those whose sealed fields the state was folded from: the state is sealed with a key derived from
-- all their keys (unreadable once any is deleted), and an erasure deletes every snapshot that names the person.
CREATE TABLE snapshots (
    stream_id       text        PRIMARY KEY,
    decider         text        NOT NULL,
    decider_version integer     NOT NULL,
    fingerprint     text        NOT NULL,
    stream_version  integer     NOT NULL CHECK (stream_version > 0),
    persons         text[]      NOT NULL DEFAULT '{}',
    state           jsonb       NOT NULL,
    taken_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX snapshots_by_person ON snapshots USING gin (persons);
