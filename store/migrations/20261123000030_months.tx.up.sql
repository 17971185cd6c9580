-- Monthly organisation life: the month's theme, the group-life design
-- competition's results and the published monthly digest. One row per term
-- and month (and department for results), so a retried write changes nothing.
CREATE TABLE IF NOT EXISTS month_themes (
    term_id     text        NOT NULL,
    month       text        NOT NULL,
    -- The Youth League Committee's arrangement as the leaders recorded it.
    arrangement text        NOT NULL DEFAULT '',
    -- Empty when nobody set a theme and no department recommended one.
    theme       text        NOT NULL DEFAULT '',
    -- The leader's email, or 'fallback' when the most recommended theme was
    -- taken (or none was) at the theme's due date.
    set_by      text        NOT NULL,
    fallback    boolean     NOT NULL DEFAULT false,
    set_at      timestamptz NOT NULL,
    PRIMARY KEY (term_id, month)
);
--bun:split
-- One row per department that entered the competition. rank and mean_total
-- are NULL for an entry no judge scored: it is listed, unranked.
CREATE TABLE IF NOT EXISTS competition_results (
    term_id       text             NOT NULL,
    month         text             NOT NULL,
    department_id text             NOT NULL,
    rank          integer,
    mean_total    double precision,
    judges        integer          NOT NULL DEFAULT 0,
    scores        jsonb            NOT NULL DEFAULT '{}',
    PRIMARY KEY (term_id, month, department_id),
    CONSTRAINT competition_results_rank_check CHECK (rank IS NULL OR rank > 0),
    CONSTRAINT competition_results_ranked_scored CHECK ((rank IS NULL) = (mean_total IS NULL)),
    CONSTRAINT competition_results_scores_object CHECK (jsonb_typeof(scores) = 'object')
);
--bun:split
-- The compiled monthly digest: the page the officers' portal serves, and
-- the text alternative.
CREATE TABLE IF NOT EXISTS month_digests (
    term_id      text        NOT NULL,
    month        text        NOT NULL,
    html         text        NOT NULL,
    text         text        NOT NULL,
    published_at timestamptz NOT NULL,
    PRIMARY KEY (term_id, month)
);
