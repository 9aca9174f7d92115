-- Every event of a case, in order, with who did it and when (no personal data: the words stay sealed).
CREATE TABLE case_timeline (
    case_id     text        NOT NULL,
    version     integer     NOT NULL,
    event_type  text        NOT NULL,
    recorded_at timestamptz NOT NULL,
    actor       text        NOT NULL,
    PRIMARY KEY (case_id, version)
);
-- When a plan went for approval, to show approvals waiting too long.
ALTER TABLE cases ADD COLUMN plan_submitted_on date;
