-- The one-statement append (shared.eventstore.postgres, _APPEND_AT_ONCE) as a function planned once per connection:
-- PostgreSQL costs a generic plan of `unnest($n)` at many rows against a custom plan's one, so under the default
-- plan_cache_mode it planned the statement afresh at every call (bench/PG_COST.md: 0.72 ms of its 1.2 ms). The
-- setting is the function's own, for its body alone: every other statement of the database (the searches, which
-- want custom plans) is planned as before. Its plan is the custom one's shape (index probes of (stream_id,
-- version) and of person_keys). The body is the statement's text at this migration; a change to the append is a
-- new migration replacing the function.
CREATE FUNCTION hemiao_append_at_once(
    text[], integer[], text[], bytea[], text[], text[], integer[], uuid[], text[], integer[], jsonb[], jsonb,
    timestamptz, text, text, text, integer, jsonb)
RETURNS TABLE (follows_ok boolean, keys_ok boolean, present_ids text[])
LANGUAGE sql VOLATILE
SET plan_cache_mode = force_generic_plan
AS $body$
    WITH streams AS (SELECT s.stream_id, s.expected FROM unnest($1::text[], $2::int[]) AS s (stream_id, expected)),
    follows AS (
        SELECT coalesce(bool_and(
                   (s.expected = 0 OR EXISTS (SELECT 1 FROM events e
                                              WHERE e.stream_id = s.stream_id AND e.version = s.expected))
                   AND NOT EXISTS (SELECT 1 FROM events e
                                   WHERE e.stream_id = s.stream_id AND e.version = s.expected + 1)), true) AS ok
        FROM streams s),
    keys AS (
        SELECT count(*) FILTER (WHERE held.same) = cardinality($3::text[]) AS ok,
               coalesce(array_agg(held.person_id), '{}') AS present
        FROM (SELECT p.person_id, p.wrapped = u.wrapped AS same
              FROM person_keys p JOIN unnest($3::text[], $4::bytea[]) AS u (person_id, wrapped)
                ON p.person_id = u.person_id
              FOR KEY SHARE OF p) AS held),
    go AS (SELECT follows.ok AND keys.ok AS ok FROM follows, keys),
    written AS (
        INSERT INTO events (stream_id, stream_type, version, event_id, type, schema_version, data, metadata,
                            recorded_at)
        SELECT r.stream_id, r.stream_type, r.version, r.event_id, r.type, r.schema_version, r.data, $12::jsonb, $13
        FROM unnest($5::text[], $6::text[], $7::int[], $8::uuid[], $9::text[], $10::int[], $11::jsonb[])
               AS r (stream_id, stream_type, version, event_id, type, schema_version, data)
        WHERE (SELECT ok FROM go)
        RETURNING 1),
    remembered AS (
        INSERT INTO idempotency_keys (key, fingerprint, stream_id, version, event_ids, result)
        SELECT $14, $15, $16, $17, $8, $18::jsonb WHERE $14::text IS NOT NULL AND (SELECT ok FROM go)
        RETURNING 1)
    SELECT follows.ok, keys.ok, keys.present FROM follows, keys
$body$;
