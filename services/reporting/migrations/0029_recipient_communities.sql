-- A recipient's community is a reference (issue 15): the id its event carries (none in events from before, or
-- from a street whose communities the cases service did not know), and its text's key
-- (shared.kernel.places.community_key), filled by the cases projection's rebuild (version 3) for the rows already
-- here. Counts and filters by community read community_of(station_id, community_id, community_key) (0028).
-- Cases do not copy their recipient's community: they are counted by it through `recipients`.
ALTER TABLE recipients ADD COLUMN community_id text;
ALTER TABLE recipients ADD COLUMN community_key text NOT NULL DEFAULT '';
CREATE INDEX recipients_by_community ON recipients (station_id, community_id, community_key);
