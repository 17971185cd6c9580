DROP TABLE IF EXISTS portal_sessions;
--bun:split
DROP TABLE IF EXISTS portal_sign_ins;
