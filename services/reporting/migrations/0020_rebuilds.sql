-- Each projection keeps its own last applied version of every source stream, so one can be rebuilt and swapped
-- in alone. Rows from before this have projection '' until a consumer adopts them for each of its projections.
ALTER TABLE applied_versions ADD COLUMN projection text NOT NULL DEFAULT '';
ALTER TABLE applied_versions DROP CONSTRAINT applied_versions_pkey;
ALTER TABLE applied_versions ADD PRIMARY KEY (stream_id, projection);

-- The version of each projection's code that built its live tables; a projection whose code has another
-- version is rebuilt in the background when reporting starts (see services/reporting/rebuild.py).
CREATE TABLE projection_versions (
    projection text        PRIMARY KEY,
    version    integer     NOT NULL,
    built_at   timestamptz NOT NULL
);
