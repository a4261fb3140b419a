-- Unread counts read the index alone (issue 21): counting a channel's
-- messages after a read marker needs each one's sender, note flag and
-- deletion, which were only in the table. The wider index replaces the old
-- one (its key is the same), so a send still updates one index per channel
-- order, not two.
DROP INDEX messages_by_channel;
CREATE INDEX messages_by_channel ON messages (channel_id, seq) INCLUDE (sender_id, is_internal, deleted_at);
