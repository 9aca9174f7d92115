-- The article's figures, readable (issue 14): a group session's indirect reach with its basis, and organisations'
-- own activities in person-times (and so in their project's progress).
ALTER TABLE group_sessions ADD COLUMN indirect_beneficiaries integer NOT NULL DEFAULT 0,
                           ADD COLUMN indirect_basis text NOT NULL DEFAULT '';

CREATE INDEX organisation_activities_by_station_day ON organisation_activities (station_id, held_on);
CREATE INDEX organisation_activities_by_project ON organisation_activities (project_id) WHERE project_id IS NOT NULL;

-- Every attendance and participation, once, as person-times (人次) of its kind and reach. A group session's
-- indirect beneficiaries are the group's indirect person-times (no longer a 0-participant activity beside it);
-- an organisation's own activity counts its participants as direct person-times of kind 'organisation', in the
-- organisation's community and in its project when it has one. Same columns as before, so CREATE OR REPLACE.
CREATE OR REPLACE VIEW person_times AS
    SELECT s.station_id, NULL::text AS project_id, r.community, s.held_on AS day, 'case' AS kind,
           'direct' AS reach, s.participants AS count
      FROM case_sessions s LEFT JOIN recipients r USING (recipient_id)
    UNION ALL
    SELECT station_id, project_id, community, held_on, 'group', 'direct', present + walk_ins FROM group_sessions
    UNION ALL
    SELECT station_id, project_id, community, held_on, 'group', 'indirect', indirect_beneficiaries
      FROM group_sessions
    UNION ALL
    SELECT station_id, project_id, community, held_on, 'activity', 'direct', direct_participants FROM activities
    UNION ALL
    SELECT station_id, project_id, community, held_on, 'activity', 'indirect', indirect_beneficiaries FROM activities
    UNION ALL
    SELECT a.station_id, a.project_id, o.community, a.held_on, 'organisation', 'direct', a.participants
      FROM organisation_activities a JOIN organisations o USING (organisation_id);
