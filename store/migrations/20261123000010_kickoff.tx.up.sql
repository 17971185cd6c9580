-- The ministerial kickoff meeting of a term: when and where it is held, the
-- main tasks on its agenda, and how many people were invited. What the
-- departments hand in afterwards is in submissions (kind department_plan).
CREATE TABLE IF NOT EXISTS kickoff (
    term_id     text        PRIMARY KEY,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    place       text        NOT NULL DEFAULT '',
    agenda      jsonb       NOT NULL DEFAULT '[]',
    invited     integer     NOT NULL DEFAULT 0,
    workflow_id text        NOT NULL DEFAULT '',
    recorded_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT kickoff_agenda_array CHECK (jsonb_typeof(agenda) = 'array'),
    CONSTRAINT kickoff_times_check CHECK (ends_at >= starts_at),
    CONSTRAINT kickoff_invited_check CHECK (invited >= 0)
);
