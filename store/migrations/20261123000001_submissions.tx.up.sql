-- What people hand in through a collection: a department's plan, a meeting's
-- minutes, a monthly summary, a theme recommendation, a competition entry, a
-- judge's scores, a completed milestone, an assessment. One row per slot of a
-- collection; the first submission wins, so a retried write changes nothing.
CREATE TABLE IF NOT EXISTS submissions (
    term_id      text        NOT NULL,
    kind         text        NOT NULL,
    scope        text        NOT NULL,
    slot         text        NOT NULL,
    author_email text        NOT NULL,
    body         text        NOT NULL DEFAULT '',
    scores       jsonb       NOT NULL DEFAULT '[]',
    submitted_at timestamptz NOT NULL,
    due_at       timestamptz NOT NULL,
    late         boolean     NOT NULL DEFAULT false,
    workflow_id  text        NOT NULL DEFAULT '',
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (term_id, kind, scope, slot),
    CONSTRAINT submissions_scores_array CHECK (jsonb_typeof(scores) = 'array')
);
--bun:split
CREATE INDEX IF NOT EXISTS submissions_author_idx ON submissions (term_id, author_email);
