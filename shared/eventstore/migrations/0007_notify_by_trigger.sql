-- The relay's wake-up, sent by the table rather than by each writer: one NOTIFY per statement that inserts events
-- (PostgreSQL folds equal ones within a transaction and delivers them at commit), so an append that is a single
-- statement needs no second round trip for it. The payload is the stream type, as the writers sent before.
CREATE FUNCTION notify_events_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hemiao_events', stream_type) FROM (SELECT DISTINCT stream_type FROM inserted) AS types;
    RETURN NULL;
END
$$;

CREATE TRIGGER events_inserted_notify AFTER INSERT ON events REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION notify_events_inserted();
