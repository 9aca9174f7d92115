-- Finding every stream of a type (every case, say) for the rare command that spans them all.
CREATE INDEX events_streams_by_type ON events (stream_type, stream_id) WHERE version = 1;
