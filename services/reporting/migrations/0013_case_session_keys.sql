-- A session id is unique within its case (the cases service refuses a repeat), not across cases: a caller may
-- give the same id to sessions of two cases, and the read model must take both.
ALTER TABLE case_sessions DROP CONSTRAINT case_sessions_pkey;
ALTER TABLE case_sessions ADD PRIMARY KEY (case_id, session_id);
