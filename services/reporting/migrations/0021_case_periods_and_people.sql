-- A case's history of being open, kept as periods so that a later event never rewrites a past month: a case
-- opens its first period when opened, a closing (结案) ends the period open then on its closed_on, and a
-- reopening starts a new one on its reopened_on. `cases` keeps only the current state (for lists); every
-- figure of a period reads the periods (docs/figures.md). Filled here from today's cases, so the figures stay
-- as they were until the projection's rebuild (version 2 of `cases`) replays the events and puts every
-- reopened case's earlier closings back.
CREATE TABLE case_periods (
    case_id    text    NOT NULL,
    period     integer NOT NULL,
    station_id text    NOT NULL,
    opened_on  date    NOT NULL,
    closed_on  date,
    PRIMARY KEY (case_id, period)
);
CREATE INDEX case_periods_by_station_opened ON case_periods (station_id, opened_on);
CREATE INDEX case_periods_by_station_closed ON case_periods (station_id, closed_on) WHERE closed_on IS NOT NULL;
INSERT INTO case_periods (case_id, period, station_id, opened_on, closed_on)
    SELECT case_id, 1, station_id, opened_on, closed_on FROM cases;

-- The people behind the person-times, each real person once and different people apart: a recipient is their
-- merged survivor; a group member linked to a recipient is that recipient; an unlinked member is known only
-- within their group (member ids are unique only there), so they are keyed by group and member. The key is
-- a JSON array, so no group or member id, whatever it holds, can run into another's.
CREATE OR REPLACE VIEW people_served AS
    SELECT s.station_id, s.held_on AS day, 'recipient:' || coalesce(r.merged_into, s.recipient_id) AS person
      FROM case_sessions s LEFT JOIN recipients r USING (recipient_id)
    UNION ALL
    SELECT g.station_id, g.held_on,
           CASE WHEN m.recipient_id IS NULL THEN 'member:' || json_build_array(m.group_id, m.member_id)::text
                ELSE 'recipient:' || coalesce(r.merged_into, m.recipient_id) END
      FROM group_attendance a JOIN group_sessions g USING (group_id, session_id)
      JOIN group_members m ON m.group_id = a.group_id AND m.member_id = a.member_id
      LEFT JOIN recipients r ON r.recipient_id = m.recipient_id;
