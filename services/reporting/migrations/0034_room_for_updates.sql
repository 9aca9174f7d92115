-- Room on each page for the new versions of rows updated again and again (issue 16). A case's row changes with
-- every session, assessment, plan step and closing, a group's with its phases, and every stream's applied version
-- with every batch that holds one of its events. With full pages (PostgreSQL's default) each such update writes
-- the row to another page and a new entry in each of its indexes (the cases have five); with room on the page it
-- stays a heap-only update that no index sees. Measured on a loaded 2-core machine: updating a run of cases'
-- session counters cost a fifth as much at fillfactor 50 (bench/REPORTING.md). Pages written from now on keep
-- the room; a rebuild writes every page afresh.
ALTER TABLE cases SET (fillfactor = 50);
ALTER TABLE groups SET (fillfactor = 50);
ALTER TABLE applied_versions SET (fillfactor = 70);
