-- Residential compounds (小区) of each community, and the operating organisations with their contracts.
CREATE TABLE compounds (
    compound_id  text NOT NULL,
    community_id text NOT NULL,
    street_id    text NOT NULL,
    name         text NOT NULL,
    PRIMARY KEY (street_id, compound_id)
);

CREATE TABLE operators (
    operator_id text PRIMARY KEY,
    name        text NOT NULL
);

CREATE TABLE contracts (
    contract_id text NOT NULL,
    operator_id text NOT NULL,
    street_ids  text[] NOT NULL,
    starts_on   date NOT NULL,
    ends_on     date NOT NULL,
    PRIMARY KEY (operator_id, contract_id)
);

-- A station closed by the bureau keeps its records.
ALTER TABLE stations ADD COLUMN closed_on date;
