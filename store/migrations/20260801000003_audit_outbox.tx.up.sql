-- Every human action, once per idempotency key. No foreign key to terms:
-- the audit trail must never be blocked or cascaded away by directory edits.
CREATE TABLE IF NOT EXISTS audit_log (
    id          bigserial   PRIMARY KEY,
    key         text        NOT NULL UNIQUE,
    term_id     text        NOT NULL,
    workflow_id text        NOT NULL DEFAULT '',
    actor       text        NOT NULL,
    action      text        NOT NULL,
    subject     text        NOT NULL DEFAULT '',
    payload     jsonb       NOT NULL DEFAULT '{}',
    plan_time   timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT audit_log_payload_object CHECK (jsonb_typeof(payload) = 'object')
);
--bun:split
CREATE INDEX IF NOT EXISTS audit_log_term_recorded_idx ON audit_log (term_id, recorded_at);
--bun:split
-- Emails a workflow is about to send, keyed by an idempotency key so a
-- retried send activity can tell which messages already went out.
CREATE TABLE IF NOT EXISTS email_outbox (
    key         text        PRIMARY KEY,
    message_id  text        NOT NULL,
    workflow_id text        NOT NULL,
    purpose     text        NOT NULL DEFAULT '',
    recipient   text        NOT NULL,
    subject     text        NOT NULL DEFAULT '',
    status      text        NOT NULL DEFAULT 'pending',
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    CONSTRAINT email_outbox_status_check CHECK (status IN ('pending', 'sent')),
    CONSTRAINT email_outbox_sent_at_check CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
--bun:split
CREATE INDEX IF NOT EXISTS email_outbox_workflow_idx ON email_outbox (workflow_id, created_at);
