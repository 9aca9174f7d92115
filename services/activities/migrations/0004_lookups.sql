-- Indexed lookups for the rules that once folded every stream of a type (issue 16), so that no command's cost
-- grows with the number of stations, streets or groups. One row per aggregate, kept in the transaction of the
-- append that changes it (services/activities/adapters/lookups.py); derived, so `python -m services.activities
-- reindex` rebuilds them from the store, and a service starting with events but empty tables fills them first.

-- Opening a station: the stations of its street and those holding its code.
CREATE TABLE station_lookup (
    station_id text    PRIMARY KEY,
    street_id  text    NOT NULL,
    code       text    NOT NULL,
    closed     boolean NOT NULL
);
CREATE INDEX station_lookup_by_street ON station_lookup (street_id);
CREATE INDEX station_lookup_by_code ON station_lookup (code);

-- Awarding a contract: the operators holding a contract of that id or one on the streets in question.
CREATE TABLE contract_lookup (
    operator_id text   NOT NULL,
    contract_id text   NOT NULL,
    street_ids  text[] NOT NULL,
    PRIMARY KEY (operator_id, contract_id)
);
CREATE INDEX contract_lookup_by_id ON contract_lookup (contract_id);
CREATE INDEX contract_lookup_by_street ON contract_lookup USING gin (street_ids);

-- Staff moving or leaving: the open groups they lead at the stations they leave.
CREATE TABLE group_lookup (
    group_id   text    PRIMARY KEY,
    station_id text    NOT NULL,
    leader_ids text[]  NOT NULL,
    open       boolean NOT NULL
);
CREATE INDEX group_lookup_by_leader ON group_lookup USING gin (leader_ids) WHERE open;
