-- The cases service's recipients, as far as a group's member list needs them: which station each is of, and
-- whether they were erased or merged into another. Kept from the cases stream by this service's own consumer,
-- so a member's recipient id is refused unless it names a live recipient of the group's station.
CREATE TABLE followed_recipients (
    recipient_id text    PRIMARY KEY,
    station_id   text    NOT NULL,
    merged_into  text,
    erased       boolean NOT NULL DEFAULT false
);
