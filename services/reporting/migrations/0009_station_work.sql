-- Ids a caller may give (sessions, feedback forms) are unique within their group, so they key with it.
-- The station's work beyond cases: targets, projects, groups (members by id only: their names stay sealed in
-- the activities service), sessions with their sign-in, feedback, community activities, publicity and surveys.
CREATE TABLE station_targets (
    station_id   text    NOT NULL,
    year         integer NOT NULL,
    projects     integer NOT NULL,
    groups       integer NOT NULL,
    activities   integer NOT NULL,
    person_times integer NOT NULL,
    PRIMARY KEY (station_id, year)
);

CREATE TABLE projects (
    seq                  bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    project_id           text PRIMARY KEY,
    station_id           text NOT NULL,
    name                 text NOT NULL,
    aims                 text NOT NULL,
    target_population    text NOT NULL,
    communities          text[] NOT NULL,
    starts_on            date NOT NULL,
    ends_on              date NOT NULL,
    planned_groups       integer NOT NULL,
    planned_sessions     integer NOT NULL,
    planned_activities   integer NOT NULL,
    planned_person_times integer NOT NULL
);
CREATE INDEX projects_by_station ON projects (station_id);

CREATE TABLE groups (
    seq               bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    group_id          text PRIMARY KEY,
    station_id        text NOT NULL,
    project_id        text,
    name              text NOT NULL,
    type              text NOT NULL,
    target_population text NOT NULL,
    community         text NOT NULL,
    leader_ids        text[] NOT NULL,
    planned_sessions  integer NOT NULL,
    planned_on        date NOT NULL,
    phase             text NOT NULL,
    closed_on         date
);
CREATE INDEX groups_by_station ON groups (station_id);

CREATE TABLE group_members (
    group_id     text NOT NULL,
    member_id    text NOT NULL,
    recipient_id text,
    joined_on    date NOT NULL,
    PRIMARY KEY (group_id, member_id)
);

CREATE TABLE group_sessions (
    session_id       text NOT NULL,
    group_id         text NOT NULL,
    station_id       text NOT NULL,
    project_id       text,
    community        text NOT NULL,
    number           integer NOT NULL,
    held_on          date NOT NULL,
    duration_minutes integer NOT NULL,
    theme            text NOT NULL,
    expected         integer NOT NULL,
    present          integer NOT NULL,
    walk_ins         integer NOT NULL,
    goal_attainment  integer,
    PRIMARY KEY (group_id, session_id)
);
CREATE INDEX group_sessions_by_station_day ON group_sessions (station_id, held_on);

CREATE TABLE group_attendance (
    session_id text NOT NULL,
    group_id   text NOT NULL,
    member_id  text NOT NULL,
    PRIMARY KEY (group_id, session_id, member_id)
);

CREATE TABLE group_feedback (
    feedback_id    text NOT NULL,
    group_id       text NOT NULL,
    station_id     text NOT NULL,
    session_number integer,
    satisfaction   integer NOT NULL,
    pre_score      double precision,
    post_score     double precision,
    PRIMARY KEY (group_id, feedback_id)
);

CREATE TABLE activities (
    seq                    bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    activity_id            text PRIMARY KEY,
    station_id             text NOT NULL,
    project_id             text,
    community              text NOT NULL,
    title                  text NOT NULL,
    kind                   text NOT NULL,
    held_on                date NOT NULL,
    place                  text NOT NULL,
    partners               text[] NOT NULL,
    direct_participants    integer NOT NULL,
    indirect_beneficiaries integer NOT NULL,
    indirect_basis         text NOT NULL,
    volunteers             integer NOT NULL,
    volunteer_hours        double precision NOT NULL
);
CREATE INDEX activities_by_station_day ON activities (station_id, held_on);

CREATE TABLE publicity (
    seq          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    item_id      text PRIMARY KEY,
    station_id   text NOT NULL,
    kind         text NOT NULL,
    title        text NOT NULL,
    outlet       text NOT NULL,
    level        text NOT NULL,
    published_on date NOT NULL,
    link         text NOT NULL,
    audience     integer,
    activity_id  text,
    project_id   text
);

CREATE TABLE surveys (
    survey_id   text PRIMARY KEY,
    station_id  text NOT NULL,
    title       text NOT NULL,
    method      text NOT NULL,
    starts_on   date NOT NULL,
    ends_on     date NOT NULL,
    distributed integer NOT NULL,
    returned    integer,
    needs       jsonb NOT NULL
);

-- Every attendance and participation, once, as person-times (人次) of its kind and reach.
CREATE VIEW person_times AS
    SELECT s.station_id, NULL::text AS project_id, r.community, s.held_on AS day, 'case' AS kind,
           'direct' AS reach, s.participants AS count
      FROM case_sessions s LEFT JOIN recipients r USING (recipient_id)
    UNION ALL
    SELECT station_id, project_id, community, held_on, 'group', 'direct', present + walk_ins FROM group_sessions
    UNION ALL
    SELECT station_id, project_id, community, held_on, 'activity', 'direct', direct_participants FROM activities
    UNION ALL
    SELECT station_id, project_id, community, held_on, 'activity', 'indirect', indirect_beneficiaries FROM activities;

-- The people behind them, as far as they are known by id: recipients at case sessions and group members
-- signed in (a member who is a recipient is the same person; a merged duplicate is the survivor). Walk-ins and
-- activity participants are counted, not identified, so they are person-times only.
CREATE VIEW people_served AS
    SELECT s.station_id, s.held_on AS day, 'recipient:' || coalesce(r.merged_into, s.recipient_id) AS person
      FROM case_sessions s LEFT JOIN recipients r USING (recipient_id)
    UNION ALL
    SELECT g.station_id, g.held_on,
           CASE WHEN m.recipient_id IS NULL THEN 'member:' || m.member_id
                ELSE 'recipient:' || coalesce(r.merged_into, m.recipient_id) END
      FROM group_attendance a JOIN group_sessions g USING (group_id, session_id)
      JOIN group_members m ON m.group_id = a.group_id AND m.member_id = a.member_id
      LEFT JOIN recipients r ON r.recipient_id = m.recipient_id;
