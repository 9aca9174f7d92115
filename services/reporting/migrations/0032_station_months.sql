-- Each station's figures summed ahead by day and by month, and the people it served by month (issue 16): an
-- overview reads a few rows a station and month instead of every record of the period. Only the figures of
-- work.FIGURES that add up over days are here; what is counted once over a period (distinct people, groups that
-- met, projects running) is not a sum, and is read as a set or from its small table.
--
-- They are derived from the fact tables, never from events: the station_months projection only marks which
-- (station, month) changed in `station_months_stale` (0001-01-01: every month of the station), and the queries
-- recount those from the fact tables before they read (services/reporting/queries/station_figures.py). What they
-- answer is what the fact tables say, the moment they ask.
CREATE TABLE station_day_figures (
    station_id text    NOT NULL,
    day        date    NOT NULL,
    figure     text    NOT NULL,
    value      numeric,
    PRIMARY KEY (station_id, day, figure)
);
CREATE INDEX station_day_figures_by_day ON station_day_figures (day);

CREATE TABLE station_month_figures (
    station_id text    NOT NULL,
    month      date    NOT NULL,
    figure     text    NOT NULL,
    value      numeric,
    PRIMARY KEY (station_id, month, figure)
);
CREATE INDEX station_month_figures_by_month ON station_month_figures (month);

-- The people behind people_served (the view's `person` key), once a station and month.
CREATE TABLE station_month_people (
    station_id text NOT NULL,
    month      date NOT NULL,
    person     text NOT NULL,
    PRIMARY KEY (station_id, month, person)
);
CREATE INDEX station_month_people_by_month ON station_month_people (month);

-- A row a transaction of the consumer, never updated: two consumers (cases, activities) marking the same station at
-- once take no lock on each other's marks, and a recount takes (deletes) only marks whose facts have committed.
CREATE TABLE station_months_stale (
    station_id text NOT NULL,
    month      date NOT NULL
);
CREATE INDEX station_months_stale_by_station ON station_months_stale (station_id);

-- The fact tables' projections (name, version, when built) the sums were counted from: when a rebuild swaps
-- another build of them in, every station is counted again.
CREATE TABLE station_months_basis (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    basis    text    NOT NULL
);

-- (A value is null where its sum is, as sum(returned) of surveys none returned: read as 0, as the query reads it.)

-- Station-scoped scans the dashboard still makes.
CREATE INDEX IF NOT EXISTS publicity_by_station_day ON publicity (station_id, published_on);
CREATE INDEX IF NOT EXISTS surveys_by_station_day ON surveys (station_id, starts_on);
