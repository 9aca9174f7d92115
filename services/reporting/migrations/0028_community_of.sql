-- Which community a read-model row is of (issue 15: communities are references). A row keeps the community id
-- its event carries and its text's key (shared.kernel.places.community_key, computed by the projection); a row of
-- an event recorded before communities were references has no id, and is of the community of its station's
-- street whose key is the same. None is none: the row keeps its text and is listed as unresolved, never guessed.
-- Resolved when read, not when applied: the places and the rows come from different streams, and the answer must
-- not depend on which arrived first.
CREATE FUNCTION community_of(station text, id text, key text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(id, (SELECT c.community_id FROM communities c JOIN stations s ON s.street_id = c.street_id
                         WHERE s.station_id = station AND c.name_key = key AND key <> ''
                         ORDER BY c.community_id LIMIT 1))
$$;
