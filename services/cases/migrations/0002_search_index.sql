-- The keyed search index of recipients: HMAC digests (shared.kernel.search_terms) of each name's characters and
-- pairs, of the ID number and of the phone, never a term. Derived from the events and written in the transaction
-- that appends them; `python -m services.cases reindex` rebuilds it from the store. A merged-away duplicate and
-- an erased person have no rows. `field` says which of the three a digest stands for (n, i or p).
CREATE TABLE recipient_search (
    station_id   text    NOT NULL,
    recipient_id text    NOT NULL,
    field        char(1) NOT NULL CHECK (field IN ('n', 'i', 'p')),
    digest       bytea   NOT NULL,
    PRIMARY KEY (recipient_id, field, digest)
);
CREATE INDEX recipient_search_by_digest ON recipient_search (station_id, digest);

-- Each case's recipient and whether it is open, kept the same way: the warning on opening a second case, and the
-- open case a search answers.
CREATE TABLE recipient_cases (
    case_id      text    PRIMARY KEY,
    recipient_id text    NOT NULL,
    station_id   text    NOT NULL,
    open         boolean NOT NULL
);
CREATE INDEX recipient_cases_open ON recipient_cases (recipient_id) WHERE open;
