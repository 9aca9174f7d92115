-- The activities service's stations, as far as intake needs them: which are closed. Kept from the activities
-- stream by this service's own consumer, so no case is opened and no recipient registered at a closed station.
CREATE TABLE followed_stations (
    station_id text    PRIMARY KEY,
    closed     boolean NOT NULL DEFAULT false,
    closed_on  date
);
