-- The leaders' pages of the portal sign people in without passwords: a
-- link sent by email, usable once and for a few minutes, then a session
-- cookie. Only hashes of the link's token and of the session's ID are
-- stored, so reading these tables does not let anyone sign in.
CREATE TABLE IF NOT EXISTS portal_sign_ins (
    token_hash text        PRIMARY KEY,
    email      text        NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
--bun:split
-- Backs the limit on sign-in emails per address.
CREATE INDEX IF NOT EXISTS portal_sign_ins_email_idx ON portal_sign_ins (email, created_at);
--bun:split
CREATE TABLE IF NOT EXISTS portal_sessions (
    id_hash    text        PRIMARY KEY,
    email      text        NOT NULL,
    expires_at timestamptz NOT NULL,
    ended_at   timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
