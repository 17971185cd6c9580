-- How every slot of a collection ended: handed in (on time or late) or
-- missed, with who was asked. Submissions say what came in; this says what
-- did not, so a task never done counts against whoever it was asked of.
CREATE TABLE IF NOT EXISTS collection_slots (
    term_id   text        NOT NULL,
    kind      text        NOT NULL,
    scope     text        NOT NULL,
    slot      text        NOT NULL,
    label     text        NOT NULL DEFAULT '',
    owners    jsonb       NOT NULL DEFAULT '[]',
    due_at    timestamptz NOT NULL,
    submitted boolean     NOT NULL,
    late      boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (term_id, kind, scope, slot),
    CONSTRAINT collection_slots_owners_array CHECK (jsonb_typeof(owners) = 'array')
);
