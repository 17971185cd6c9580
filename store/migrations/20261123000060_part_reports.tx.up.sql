-- The latest report of each part of a running term (a department's
-- exchanges, a month, the contest, ...). Parts write here and the term
-- reads what changed since its last look, so the term's history grows with
-- time rather than with the number of departments.
--
-- term_key is the term's workflow ID and first run ID: a term started again
-- under the same ID gets a fresh set. version orders the changes of one
-- term; writers take a per-term lock so versions commit in order and a
-- reader's cursor never skips a row.
CREATE SEQUENCE IF NOT EXISTS part_report_version;
--bun:split
CREATE TABLE IF NOT EXISTS part_reports (
    term_key    text        NOT NULL,
    part        text        NOT NULL,
    seq         integer     NOT NULL,
    done        boolean     NOT NULL,
    report      jsonb       NOT NULL,
    version     bigint      NOT NULL,
    reported_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (term_key, part),
    CONSTRAINT part_reports_seq_check CHECK (seq > 0)
);
--bun:split
CREATE INDEX IF NOT EXISTS part_reports_version_idx ON part_reports (term_key, version);
