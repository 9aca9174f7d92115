-- The communities of each station's street, as this service follows them from the activities stream (issue 15:
-- communities are references): a recipient's community is resolved against them when registered or updated.
-- Filled by the followed projection `followed_communities` from CommunityAdded and StationOpened (its street); a
-- projection new to the consumer makes it read the activities stream again from its first event, so places added
-- before this migration are followed too.
CREATE TABLE followed_communities (
    community_id  text PRIMARY KEY,
    street_id     text NOT NULL,
    name          text NOT NULL,
    division_code text
);
CREATE INDEX followed_communities_by_street ON followed_communities (street_id);

CREATE TABLE followed_station_streets (
    station_id text PRIMARY KEY,
    street_id  text NOT NULL
);
