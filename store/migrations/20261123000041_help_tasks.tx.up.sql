-- Help the department gives other departments: requested by a head or a
-- leader, assigned by the coordinator to an officer, then done on time,
-- late, or missed. The evaluation reads it per assignee.
CREATE TABLE IF NOT EXISTS help_tasks (
    term_id       text        NOT NULL,
    task_id       text        NOT NULL,
    department_id text        NOT NULL,
    requester     text        NOT NULL,
    description   text        NOT NULL,
    due_at        timestamptz NOT NULL,
    requested_at  timestamptz NOT NULL,
    assignee      text        NOT NULL DEFAULT '',
    assigned_by   text        NOT NULL DEFAULT '',
    assigned_at   timestamptz,
    status        text        NOT NULL DEFAULT 'requested',
    completed_at  timestamptz,
    PRIMARY KEY (term_id, task_id),
    CONSTRAINT help_tasks_status_check CHECK (status IN ('requested', 'assigned', 'done', 'late', 'missed'))
);
--bun:split
CREATE INDEX IF NOT EXISTS help_tasks_assignee_idx ON help_tasks (term_id, assignee);
