DROP TABLE IF EXISTS email_outbox;
--bun:split
DROP TABLE IF EXISTS audit_log;
