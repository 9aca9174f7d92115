-- Why the relay cannot publish, kept with its checkpoint so that every copy of the service can say so.
ALTER TABLE relay_checkpoint ADD COLUMN blocked_event_id uuid,
                             ADD COLUMN blocked_reason   text,
                             ADD COLUMN blocked_since    timestamptz;
