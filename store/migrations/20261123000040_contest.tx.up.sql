-- The knowledge contest's results, one row per term. The leaders record
-- them after the contest (status 'recorded'); when nobody has by the due
-- date, the workflow records that they are missing. The first row wins, so a
-- retried write changes nothing. Milestones live in submissions (kind
-- 'milestone', scope 'contest').
CREATE TABLE IF NOT EXISTS contest (
    term_id     text        PRIMARY KEY,
    name        text        NOT NULL,
    held_at     timestamptz NOT NULL,
    status      text        NOT NULL,
    results     text        NOT NULL DEFAULT '',
    winners     jsonb       NOT NULL DEFAULT '[]',
    recorded_by text        NOT NULL DEFAULT '',
    -- Plan time of the recording, or of the due date for missing results.
    recorded_at timestamptz NOT NULL,
    CONSTRAINT contest_status_check CHECK (status IN ('recorded', 'missing')),
    CONSTRAINT contest_winners_array CHECK (jsonb_typeof(winners) = 'array')
);
