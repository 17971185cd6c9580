-- The end-of-semester evaluation: one row per officer and term with the
-- total (a fraction 0 to 1, NULL when nothing weighted was recorded) and
-- every component with the raw counts it came from, so the result can be
-- explained. Recomputing with the same facts changes nothing.
CREATE TABLE IF NOT EXISTS evaluations (
    term_id         text             NOT NULL,
    officer_email   text             NOT NULL,
    department_id   text             NOT NULL,
    total           double precision,
    components      jsonb            NOT NULL DEFAULT '[]',
    computed_at     timestamptz      NOT NULL,
    summary_sent_at timestamptz,
    PRIMARY KEY (term_id, officer_email),
    CONSTRAINT evaluations_total_range CHECK (total IS NULL OR (total >= 0 AND total <= 1)),
    CONSTRAINT evaluations_components_array CHECK (jsonb_typeof(components) = 'array')
);
--bun:split
CREATE INDEX IF NOT EXISTS evaluations_department_idx ON evaluations (term_id, department_id);
--bun:split
-- The report each department's evaluation sends the leaders, as sent.
CREATE TABLE IF NOT EXISTS evaluation_reports (
    term_id       text        NOT NULL,
    department_id text        NOT NULL,
    subject       text        NOT NULL DEFAULT '',
    html          text        NOT NULL,
    text          text        NOT NULL,
    sent_at       timestamptz,
    PRIMARY KEY (term_id, department_id)
);
