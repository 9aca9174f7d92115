-- Reporting holds no personal data: names, problems and reasons arrive sealed and are
-- shown to users by the cases service, which alone holds the keys. Erasure is a flag here;
-- the counts stay.
ALTER TABLE recipients DROP COLUMN name;
ALTER TABLE recipients ADD COLUMN erased boolean NOT NULL DEFAULT false;
ALTER TABLE cases DROP COLUMN presenting_problem;
ALTER TABLE cases DROP COLUMN close_reason;
