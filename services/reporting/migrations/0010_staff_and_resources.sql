-- The team at each station: role, stations, qualifications with their dates, and who has left.
CREATE TABLE staff (
    staff_id    text PRIMARY KEY,
    name        text NOT NULL,
    role        text NOT NULL,
    station_ids text[] NOT NULL,
    joined_on   date NOT NULL,
    left_on     date
);

CREATE TABLE staff_qualifications (
    staff_id           text NOT NULL,
    kind               text NOT NULL,
    obtained_on        date NOT NULL,
    certificate_number text NOT NULL,
    PRIMARY KEY (staff_id, kind, obtained_on)
);

-- The resource map (资源图): what each resource offers and what used it; contacts stay sealed in activities.
CREATE TABLE resources (
    resource_id text PRIMARY KEY,
    station_id  text NOT NULL,
    kind        text NOT NULL,
    name        text NOT NULL,
    community   text NOT NULL,
    offers      text NOT NULL
);

CREATE TABLE resource_uses (
    resource_id text NOT NULL,
    project_id  text,
    activity_id text,
    used_on     date NOT NULL
);
CREATE INDEX resource_uses_by_resource ON resource_uses (resource_id);
