-- Evaluation and the approval of closing.
ALTER TABLE cases ADD COLUMN evaluated_on date;
ALTER TABLE cases ADD COLUMN closing_status text NOT NULL DEFAULT 'none';
ALTER TABLE cases ADD COLUMN closing_requested_on date;
