-- Message history (issue 20): an edit keeps the text it replaced, a delete
-- the text it removed, each with who did it and when; only staff ever read
-- them (server/src/authz/history.rs). `messages.text` keeps only what the
-- message says now (empty once deleted), so every other door to messages
-- is unchanged.
ALTER TABLE messages ADD COLUMN edited_at INTEGER;
ALTER TABLE messages ADD COLUMN deleted_by TEXT;
-- Messages edited before history was kept still say they were.
UPDATE messages SET edited_at = updated_at
    WHERE deleted_at IS NULL AND updated_at <> created_at;

CREATE TABLE message_versions (
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    -- 1 for the text it was sent with, then one more for each change.
    version INTEGER NOT NULL,
    text TEXT NOT NULL,
    -- The change that replaced this text: 'edit' or 'delete', by whom
    -- (an internal user or a client, like a sender) and when.
    change TEXT NOT NULL,
    edited_by TEXT NOT NULL,
    edited_at INTEGER NOT NULL,
    PRIMARY KEY (message_id, version)
);
