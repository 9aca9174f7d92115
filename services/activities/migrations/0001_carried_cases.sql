-- The cases service's cases, as far as the rule "hand over open cases before leaving" needs them: whose they
-- are, where, and whether they are open. Kept from the cases stream by this service's own consumer.
CREATE TABLE carried_cases (
    case_id     text    PRIMARY KEY,
    station_id  text    NOT NULL,
    worker_id   text    NOT NULL,
    number      integer,
    opened_year integer NOT NULL,
    open        boolean NOT NULL
);
CREATE INDEX carried_cases_by_worker ON carried_cases (worker_id) WHERE open;
