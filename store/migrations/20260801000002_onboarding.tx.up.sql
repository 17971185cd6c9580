-- One row per officer and term tracking the training acknowledgement.
-- It references the term only, not the officer: the onboarding record is
-- history and outlives an officer later dropped from the directory.
CREATE TABLE IF NOT EXISTS onboarding (
    term_id         text        NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    officer_email   text        NOT NULL,
    department_id   text        NOT NULL,
    status          text        NOT NULL DEFAULT 'assigned',
    outcome         text        NOT NULL DEFAULT 'pending',
    assigned_at     timestamptz NOT NULL,
    deadline_at     timestamptz NOT NULL,
    acknowledged_at timestamptz,
    escalated_at    timestamptz,
    reminders_sent  integer     NOT NULL DEFAULT 0,
    note            text        NOT NULL DEFAULT '',
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (term_id, officer_email),
    CONSTRAINT onboarding_status_check
        CHECK (status IN ('assigned', 'acknowledged', 'closed')),
    CONSTRAINT onboarding_outcome_check
        CHECK (outcome IN ('pending', 'on_time', 'late', 'never')),
    -- Status and outcome move together; an acknowledgement always has a time.
    CONSTRAINT onboarding_status_outcome_check CHECK (
        (status = 'assigned' AND outcome = 'pending' AND acknowledged_at IS NULL)
        OR (status = 'acknowledged' AND outcome IN ('on_time', 'late') AND acknowledged_at IS NOT NULL)
        OR (status = 'closed' AND outcome = 'never' AND acknowledged_at IS NULL)
    ),
    CONSTRAINT onboarding_reminders_check CHECK (reminders_sent >= 0)
);
--bun:split
CREATE INDEX IF NOT EXISTS onboarding_term_department_idx ON onboarding (term_id, department_id);
