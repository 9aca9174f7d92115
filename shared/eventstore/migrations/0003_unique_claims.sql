-- Values no two persons may share (ID numbers), as keyed hashes: found again, never readable.
-- Written in the same transaction as the event that claims them; deleted when the owner is erased.
CREATE TABLE unique_claims (
    claim      text        PRIMARY KEY,
    owner      text        NOT NULL,
    field      text        NOT NULL,
    claimed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unique_claims_by_owner ON unique_claims (owner);
