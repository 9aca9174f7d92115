-- The keyed index a volunteer is found by (part of the name, ID number, phone): one row per HMAC digest of a
-- search term (shared.kernel.search_terms), never a term. Kept in the transaction of the append that registers
-- or erases a volunteer; derived, so `python -m services.activities reindex` rebuilds it from the store.
CREATE TABLE volunteer_search_index (
    station_id   text  NOT NULL,
    volunteer_id text  NOT NULL,
    digest       bytea NOT NULL,
    PRIMARY KEY (station_id, digest, volunteer_id)
);
CREATE INDEX volunteer_search_index_by_volunteer ON volunteer_search_index (volunteer_id);
