-- Messages to send later (issue 19). Each is sent by whichever node first
-- deletes its row in the transaction that writes the message, so it goes
-- out once, even across restarts and with several nodes.
CREATE TABLE scheduled_messages (
    id TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    -- Who scheduled it, and so who sends it (their rights then decide).
    author_id TEXT NOT NULL,
    author_type TEXT NOT NULL,
    text TEXT NOT NULL,
    is_internal INTEGER NOT NULL DEFAULT 0,
    -- The IANA time zone the author chose the time in, to show it back.
    time_zone TEXT NOT NULL,
    scheduled_at INTEGER NOT NULL,
    -- Why it could not be sent, once it was due (the author lost access).
    failure TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX scheduled_messages_due ON scheduled_messages (scheduled_at) WHERE failure IS NULL;
CREATE INDEX scheduled_messages_by_author ON scheduled_messages (author_id, scheduled_at);
