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
