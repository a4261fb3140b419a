-- The e-mail outbox. An e-mail is inserted in the transaction of the change
-- that causes it (an invitation, an unread message) and sent later by the
-- mail worker, so it is never lost and never sent for a change that rolled
-- back. `dedupe_key` makes enqueueing the same e-mail twice a no-op.
-- A worker claims due rows by setting claimed_by/claimed_until (a lease, so
-- the rows of a node that died are claimed again once it runs out); a row
-- with sent_at is never sent again.
CREATE TABLE outbox_emails (
    id TEXT PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    -- Extra headers (List-Unsubscribe…) as a JSON object of name → value.
    headers TEXT NOT NULL DEFAULT '{}',
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at BIGINT NOT NULL,
    claimed_by TEXT,
    claimed_until BIGINT,
    sent_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX outbox_emails_due ON outbox_emails (next_attempt_at) WHERE sent_at IS NULL;
