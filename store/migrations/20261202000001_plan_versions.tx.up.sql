-- Every version of a term's plan: version 1 is the plan it started with,
-- each amendment adds the next, with who made it, when (plan time) and the
-- changes it made. Rows are never updated: a retried save finds its row.
CREATE TABLE IF NOT EXISTS plan_versions (
    term_id     text        NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    version     integer     NOT NULL CHECK (version >= 1),
    hash        text        NOT NULL,
    plan        jsonb       NOT NULL,
    source      text        NOT NULL DEFAULT '',
    made_by     text        NOT NULL,
    plan_time   timestamptz NOT NULL,
    changes     jsonb       NOT NULL DEFAULT '[]',
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (term_id, version)
);
--bun:split
-- An officer who joins after the term started (joined_at) or leaves during
-- it (left_at): their records stay, and the evaluation counts what they
-- were there for. Both are NULL for the officers of the first plan.
ALTER TABLE officers ADD COLUMN IF NOT EXISTS joined_at timestamptz;
--bun:split
ALTER TABLE officers ADD COLUMN IF NOT EXISTS left_at timestamptz;
