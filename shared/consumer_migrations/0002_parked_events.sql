-- Events a projection could not apply after several deliveries, parked with their error (and the later
-- events of the same stream, held behind them), to be replayed once the projection is fixed.
CREATE TABLE IF NOT EXISTS parked_events (
    consumer   text        NOT NULL,
    stream_id  text        NOT NULL,
    version    integer     NOT NULL,
    stream_seq bigint      NOT NULL,
    event_id   text        NOT NULL,
    type       text        NOT NULL,
    headers    jsonb       NOT NULL,
    data       text        NOT NULL,
    error      text        NOT NULL,
    parked_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, stream_id, version)
);
