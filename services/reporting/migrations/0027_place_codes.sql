-- Places carry their official codes (issue 15): a street's district code (GB/T 2260) and its 12-digit
-- statistical division code (统计用区划代码), a community's division code, none for places registered before
-- them; and a community's name as it is compared (shared.kernel.places.community_key), filled by the places
-- projection's rebuild (version 2) for the rows already here.
ALTER TABLE streets ADD COLUMN district_code text;
ALTER TABLE streets ADD COLUMN division_code text;
ALTER TABLE communities ADD COLUMN division_code text;
ALTER TABLE communities ADD COLUMN name_key text NOT NULL DEFAULT '';
CREATE INDEX communities_by_street ON communities (street_id, name_key);
