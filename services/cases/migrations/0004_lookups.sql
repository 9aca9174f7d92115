-- Indexed lookups (issue 16) for the rules that once folded every stream of a type, so that no command's cost
-- grows with the number of stations. One row per aggregate, kept in the transaction of the append that changes it
-- (services/cases/adapters/lookups.py); derived, so `python -m services.cases reindex` rebuilds them, and a
-- service starting with events but an empty table fills it first.

-- Each case's station, worker and whether it is open: transferring a leaving worker's cases reads the open cases
-- of that worker at that station.
CREATE TABLE case_workers (
    case_id    text    PRIMARY KEY,
    station_id text    NOT NULL,
    worker_id  text    NOT NULL,
    open       boolean NOT NULL
);
CREATE INDEX case_workers_open ON case_workers (worker_id, station_id) WHERE open;

-- Each import's station: finishing a roster reads the station's earlier imports, and a station's imports are
-- listed, without reading every import stream.
CREATE TABLE import_lookup (
    import_id  text PRIMARY KEY,
    station_id text NOT NULL
);
CREATE INDEX import_lookup_by_station ON import_lookup (station_id);
