-- The persons erased: written in the transaction of the erasure that deletes their key (shared.eventstore.postgres),
-- and never deleted. A person here gets no key again and has nothing sealed for them again; a person with no key
-- and no row here never had a key (their events carried no sealed field, as RecipientRegistered v1 did) and gets
-- one the first time an event seals something of theirs. "No key" alone is not "erased".
CREATE TABLE erased_persons (
    person_id text        PRIMARY KEY,
    erased_at timestamptz NOT NULL
);

-- A store erased persons before this table: the erasure events (the only writers that delete a key) are in the
-- events table, so each of them is recorded here from its event, with when it was recorded. Those are the two event
-- types with `erases` today (shared.contracts: RecipientErased, VolunteerErased); a later erasure type writes its
-- rows through the store. Nothing else deletes a key, so no person erased before is left without a row; a key
-- deleted by hand (outside the store) is, for the store, a person never keyed, who gets a new key: delete a key
-- by an erasure event, never by hand.
INSERT INTO erased_persons (person_id, erased_at)
SELECT person_id, min(recorded_at)
FROM (SELECT CASE type WHEN 'RecipientErased' THEN data ->> 'recipient_id' ELSE data ->> 'volunteer_id' END
                 AS person_id,
             recorded_at
      FROM events
      WHERE type IN ('RecipientErased', 'VolunteerErased')) AS erasures
WHERE person_id IS NOT NULL
GROUP BY person_id;
