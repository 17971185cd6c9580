-- A plan travels by reference (contract.PlanRef): its JSON is stored here
-- in pieces of at most 192 KiB, keyed by the term and the plan's hash, so
-- no workflow payload grows with the union. Written before the term's row
-- exists, so no foreign key to terms; rows are never updated.
CREATE TABLE IF NOT EXISTS plan_chunks (
    term_id     text        NOT NULL,
    hash        text        NOT NULL,
    idx         integer     NOT NULL CHECK (idx >= 0),
    data        text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (term_id, hash, idx)
);
