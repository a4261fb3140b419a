-- Webhooks: admins' subscriptions to what happens in the workspace. The event
-- log (`events`) is their outbox: each change appends its event in its own
-- transaction, and a webhook's `cursor` is the last event it has been given
-- (delivered, or skipped as not subscribed). One node at a time delivers for
-- a webhook (`claimed_by` until `claimed_until`), in event order.
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    -- A JSON array of event type names.
    event_types TEXT NOT NULL,
    signing_secret TEXT NOT NULL,
    enabled BIGINT NOT NULL DEFAULT 1,
    -- Why it was disabled by Parlor (NULL when an admin disabled it, or it is enabled).
    disabled_reason TEXT,
    cursor BIGINT NOT NULL,
    -- Failed attempts at the event after `cursor`, and when the first of them was.
    attempts BIGINT NOT NULL DEFAULT 0,
    failing_since BIGINT,
    next_attempt_at BIGINT NOT NULL,
    claimed_by TEXT,
    claimed_until BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Each attempt to deliver an event, kept for admins to read.
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    attempt BIGINT NOT NULL,
    status_code BIGINT,
    duration_ms BIGINT NOT NULL,
    error TEXT,
    response_excerpt TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at);
CREATE INDEX webhook_deliveries_by_age ON webhook_deliveries (created_at);
