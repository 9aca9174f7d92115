-- One key per person whose personal data this service holds, wrapped with the service's data key.
-- Deleting a row is erasing the person: every sealed copy of their data becomes unreadable.
CREATE TABLE person_keys (
    person_id  text        PRIMARY KEY,
    wrapped    bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
