-- Reactions (issue 19): a person's emoji on a message, one of each per
-- person and message. The emoji is one of the fixed set the server offers
-- (domain/reaction.rs); user_id is a client or an internal user, like a
-- message's sender. They go with their message.
CREATE TABLE message_reactions (
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    emoji TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (message_id, user_id, emoji)
);
