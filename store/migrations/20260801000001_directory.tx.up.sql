-- The term's directory: who leads, which departments exist, who serves in
-- them. Rows are keyed by their natural keys so that re-saving the plan's
-- directory is an upsert. IF NOT EXISTS keeps a half-recorded run (schema
-- committed, bun_migrations row not yet written) re-runnable.
CREATE TABLE IF NOT EXISTS terms (
    id          text        PRIMARY KEY,
    name        text        NOT NULL,
    starts_on   date        NOT NULL,
    ends_on     date        NOT NULL,
    time_zone   text        NOT NULL,
    workflow_id text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT terms_dates_ordered CHECK (ends_on >= starts_on)
);
--bun:split
CREATE TABLE IF NOT EXISTS leaders (
    term_id  text    NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    email    text    NOT NULL,
    name     text    NOT NULL,
    role     text    NOT NULL DEFAULT '',
    position integer NOT NULL DEFAULT 0,
    PRIMARY KEY (term_id, email)
);
--bun:split
CREATE TABLE IF NOT EXISTS departments (
    term_id    text    NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    id         text    NOT NULL,
    name       text    NOT NULL,
    head_name  text    NOT NULL DEFAULT '',
    head_email text    NOT NULL DEFAULT '',
    position   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (term_id, id)
);
--bun:split
-- No ON DELETE CASCADE towards departments: the store deletes an unlisted
-- department only after its officers, so a leftover officer is a bug that
-- should fail loudly rather than vanish.
CREATE TABLE IF NOT EXISTS officers (
    term_id       text    NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    email         text    NOT NULL,
    department_id text    NOT NULL,
    name          text    NOT NULL,
    role          text    NOT NULL DEFAULT '',
    position      integer NOT NULL DEFAULT 0,
    PRIMARY KEY (term_id, email),
    CONSTRAINT officers_department_fk FOREIGN KEY (term_id, department_id)
        REFERENCES departments (term_id, id)
);
--bun:split
-- Backs the foreign key: deleting a department looks up its officers.
CREATE INDEX IF NOT EXISTS officers_term_department_idx ON officers (term_id, department_id);
