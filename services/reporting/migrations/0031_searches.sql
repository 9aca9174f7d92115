-- Every search for people (findRecipients, findVolunteers), found or not: who searched, when, at which stations
-- (NULL: every station, for a caller who sees them all), by what (never the term), the purpose said ('' when the
-- results were masked), and the ids answered. The people shown unmasked are in `disclosures` and
-- `volunteer_disclosures` as well.
CREATE TABLE searches (
    seq              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    people           text        NOT NULL CHECK (people IN ('recipients', 'volunteers')),
    station_ids      text[],
    criteria         text[]      NOT NULL,
    purpose          text        NOT NULL,
    found            text[]      NOT NULL,
    searched_by      text        NOT NULL,
    searched_by_role text        NOT NULL,
    searched_at      timestamptz NOT NULL
);
CREATE INDEX searches_by_people ON searches (people, seq);
CREATE INDEX searches_by_station ON searches USING gin (station_ids);
