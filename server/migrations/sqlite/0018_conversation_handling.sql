-- The staff's handling of a conversation (issue 19): who owns it, whether
-- it is open, waiting on the client or done, until when it is snoozed, and
-- since when a client has been waiting for an answer. Staff only: clients
-- never see these columns (server/src/service/conversations.rs).
ALTER TABLE channels ADD COLUMN assignee_id TEXT;
ALTER TABLE channels ADD COLUMN state TEXT NOT NULL DEFAULT 'open';
ALTER TABLE channels ADD COLUMN snoozed_until INTEGER;
ALTER TABLE channels ADD COLUMN awaiting_reply_since INTEGER;
CREATE INDEX channels_snoozed ON channels (snoozed_until) WHERE snoozed_until IS NOT NULL;
CREATE INDEX channels_by_assignee ON channels (assignee_id) WHERE assignee_id IS NOT NULL;
-- A channel whose last message a client wrote has been waiting since then.
UPDATE channels SET awaiting_reply_since = (
    SELECT m.created_at FROM messages m
    WHERE m.channel_id = channels.id AND m.is_internal = 0 AND m.deleted_at IS NULL
    ORDER BY m.seq DESC LIMIT 1)
WHERE (SELECT m.sender_type FROM messages m
       WHERE m.channel_id = channels.id AND m.is_internal = 0 AND m.deleted_at IS NULL
       ORDER BY m.seq DESC LIMIT 1) = 'client';
