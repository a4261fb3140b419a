-- Internal notes (issue 19): messages that only the staff who see their
-- channel ever see (server/src/authz/notes.rs).
ALTER TABLE messages ADD COLUMN is_internal BIGINT NOT NULL DEFAULT 0;
-- A channel's last-message date as its clients see it: notes do not move it.
ALTER TABLE channels ADD COLUMN last_public_message_at BIGINT;
UPDATE channels SET last_public_message_at = last_message_at;
-- Who among a channel's viewers an event is for: NULL for everyone,
-- 'staff' (a note, or what is said of one) or 'clients'.
ALTER TABLE events ADD COLUMN among TEXT;
