-- Residential self-governance: each compound's bodies, its joint meetings, and the issues they carry.
CREATE TABLE governance (
    compound_id           text PRIMARY KEY,
    station_id            text NOT NULL,
    party_branch          text NOT NULL,
    owners_committee      text NOT NULL,
    supervisory_committee text NOT NULL,
    property_company      text NOT NULL,
    stakeholders          text[] NOT NULL
);

CREATE TABLE joint_meetings (
    compound_id text NOT NULL,
    meeting_id  text NOT NULL,
    station_id  text NOT NULL,
    held_on     date NOT NULL,
    present     text[] NOT NULL,
    agenda      text[] NOT NULL,
    minutes     text NOT NULL,
    PRIMARY KEY (compound_id, meeting_id)
);

CREATE TABLE compound_issues (
    seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    compound_id text NOT NULL,
    issue_id    text NOT NULL,
    station_id  text NOT NULL,
    title       text NOT NULL,
    owner       text NOT NULL,
    due_on      date NOT NULL,
    raised_on   date NOT NULL,
    status      text NOT NULL,
    closed_on   date,
    last_note   text NOT NULL DEFAULT '',
    PRIMARY KEY (compound_id, issue_id)
);
