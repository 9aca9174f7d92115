-- Communities are references (issue 15), in the station's work: every row holding a community's text keeps the
-- community id its event carries (None for an event from before, or at a street with no communities then) and
-- the text's key (shared.kernel.places.community_key, computed by the work projection, version 4, which reads
-- its events again to fill them). Which community a row is of is told when it is read: community_of(station,
-- community_id, community_key), see 0028.
ALTER TABLE groups ADD COLUMN community_id text, ADD COLUMN community_key text;
ALTER TABLE group_sessions ADD COLUMN community_id text, ADD COLUMN community_key text;
ALTER TABLE activities ADD COLUMN community_id text, ADD COLUMN community_key text;
ALTER TABLE resources ADD COLUMN community_id text, ADD COLUMN community_key text;
ALTER TABLE volunteer_teams ADD COLUMN community_id text, ADD COLUMN community_key text;
ALTER TABLE organisations ADD COLUMN community_id text, ADD COLUMN community_key text;
ALTER TABLE projects ADD COLUMN community_ids text[] NOT NULL DEFAULT '{}';

-- The recipients' own columns are the cases projection's (0029); here only if they are not there yet, so that
-- the view below and unresolved_communities can name them whichever of the two migrations a database had first.
ALTER TABLE recipients ADD COLUMN IF NOT EXISTS community_id text, ADD COLUMN IF NOT EXISTS community_key text;

-- Person-times (人次) as before, each with its community's id and key, so that "by community" counts one
-- community however its records wrote it. New columns at the end, so CREATE OR REPLACE.
CREATE OR REPLACE VIEW person_times AS
    SELECT s.station_id, NULL::text AS project_id, r.community, s.held_on AS day, 'case' AS kind,
           'direct' AS reach, s.participants AS count, r.community_id, r.community_key
      FROM case_sessions s LEFT JOIN recipients r USING (recipient_id)
    UNION ALL
    SELECT station_id, project_id, community, held_on, 'group', 'direct', present + walk_ins, community_id,
           community_key FROM group_sessions
    UNION ALL
    SELECT station_id, project_id, community, held_on, 'group', 'indirect', indirect_beneficiaries, community_id,
           community_key FROM group_sessions
    UNION ALL
    SELECT station_id, project_id, community, held_on, 'activity', 'direct', direct_participants, community_id,
           community_key FROM activities
    UNION ALL
    SELECT station_id, project_id, community, held_on, 'activity', 'indirect', indirect_beneficiaries, community_id,
           community_key FROM activities
    UNION ALL
    SELECT a.station_id, a.project_id, o.community, a.held_on, 'organisation', 'direct', a.participants,
           o.community_id, o.community_key
      FROM organisation_activities a JOIN organisations o USING (organisation_id);

-- A project's communities' keys, in their order (its ids are there only when every one was resolved).
ALTER TABLE projects ADD COLUMN community_keys text[] NOT NULL DEFAULT '{}';
