-- Each case's station, worker and whether it is open (issue 16): transferring a leaving worker's cases reads the
-- open cases of that worker at that station, not every case stream. Kept in the transaction of the append that
-- opens, transfers, closes or reopens a case (services/cases/adapters/case_workers.py); derived, so
-- `python -m services.cases reindex` rebuilds it, and a service starting with cases but an empty table fills it.
CREATE TABLE case_workers (
    case_id    text    PRIMARY KEY,
    station_id text    NOT NULL,
    worker_id  text    NOT NULL,
    open       boolean NOT NULL
);
CREATE INDEX case_workers_open ON case_workers (worker_id, station_id) WHERE open;
