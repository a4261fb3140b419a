-- Unread digests. The digest scan looks at each message once, after the
-- e-mail delay: `email_digest_scan` is how far it has looked (it starts at the
-- newest message, so an upgrade does not mail old history), and its row lock
-- lets one node scan at a time. `email_digest_marks` is, per person and
-- channel, the newest message their last digest covered.
CREATE TABLE email_digest_scan (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    last_seq BIGINT NOT NULL
);
INSERT INTO email_digest_scan (id, last_seq) VALUES (1, (SELECT COALESCE(MAX(seq), 0) FROM messages));

CREATE TABLE email_digest_marks (
    channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    last_emailed_seq BIGINT NOT NULL,
    PRIMARY KEY (channel_id, user_id)
);

-- Per person: `digest` (the default, when there is no row) or `off`.
CREATE TABLE email_preferences (
    user_id TEXT PRIMARY KEY,
    unread_messages TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
