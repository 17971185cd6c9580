-- The exchanges: each department's meetings every few weeks, and who came.
CREATE TABLE IF NOT EXISTS meetings (
    term_id       text        NOT NULL,
    department_id text        NOT NULL,
    number        integer     NOT NULL,
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    place         text        NOT NULL DEFAULT '',
    PRIMARY KEY (term_id, department_id, number)
);
--bun:split
-- One row per officer and meeting once the meeting is over: present (signed
-- in), excused (an absence announced with a reason before the meeting) or
-- absent. The evaluation reads it.
CREATE TABLE IF NOT EXISTS attendance (
    term_id        text        NOT NULL,
    department_id  text        NOT NULL,
    meeting_number integer     NOT NULL,
    officer_email  text        NOT NULL,
    status         text        NOT NULL,
    signed_in_at   timestamptz,
    reason         text        NOT NULL DEFAULT '',
    PRIMARY KEY (term_id, department_id, meeting_number, officer_email),
    CONSTRAINT attendance_status_check CHECK (status IN ('present', 'excused', 'absent'))
);
--bun:split
CREATE INDEX IF NOT EXISTS attendance_officer_idx ON attendance (term_id, officer_email);
