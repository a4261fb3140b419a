-- Replies by e-mail (issue 17). Each e-mail about a conversation carries a
-- Reply-To address whose token names its recipient and channel; the token
-- is an HMAC of the two, so it is recomputed rather than looked up when
-- sending, and kept here so an incoming reply can be traced back.
CREATE TABLE reply_addresses (
    token TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
-- How a message arrived: NULL for the portal or the API, 'email' for a
-- reply by e-mail.
ALTER TABLE messages ADD COLUMN sent_via TEXT;
-- Whether e-mails about unread messages quote the messages' text (off:
-- counts and names only, as before).
ALTER TABLE workspace ADD COLUMN email_includes_message_text BIGINT NOT NULL DEFAULT 0;
