-- The people behind people_served once a station and year, with the days of the year they were served as a
-- bitmap (bit n: the (n+1)-th day of the year; 366 bits, the last unused in a common year). A region's distinct
-- people over any range of days is then `count(DISTINCT person)` over one row a person and station of each year
-- it meets, those whose days meet the range's (station_figures._people_rows), instead of a row a person and month
-- and every day row of the months at the range's ends: at a province, some 160,000 rows for a year, not millions.
--
-- Derived from the fact tables as the station sums are (0032): the same recount replaces a station's rows of the
-- years its marked months lie in. The person key is the one station_month_people already holds (people_served's
-- `person`), nothing more.
CREATE TABLE station_year_people (
    station_id text     NOT NULL,
    year       integer  NOT NULL,
    person     text     NOT NULL,
    days       bit(366) NOT NULL,
    PRIMARY KEY (station_id, year, person)
);
CREATE INDEX station_year_people_by_year ON station_year_people (year);

-- Every station counted again (its every month), so that the first recount after this migration fills the table.
INSERT INTO station_months_stale (station_id, month)
    SELECT DISTINCT station_id, DATE '0001-01-01' FROM station_month_people;
