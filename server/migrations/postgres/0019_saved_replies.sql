-- Saved replies: templates staff insert into a message. `owner_id` NULL is a
-- shared reply (every internal user sees it, admins manage it); otherwise it
-- is that internal user's own, seen and managed by them alone, and goes
-- when they do.
CREATE TABLE saved_replies (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    owner_id TEXT REFERENCES internal_users (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX saved_replies_by_owner ON saved_replies (owner_id);
-- Titles name replies in the picker: one of each among the shared replies,
-- and among each person's own.
CREATE UNIQUE INDEX saved_replies_shared_title ON saved_replies (title) WHERE owner_id IS NULL;
CREATE UNIQUE INDEX saved_replies_own_title ON saved_replies (owner_id, title) WHERE owner_id IS NOT NULL;

-- The files of a saved reply: what an upload (`attachments`) was, kept for
-- good. Inserting the reply gives the inserting person fresh uploads sharing
-- these blobs, so a blob is in use while an attachment or a saved reply's
-- file names it.
CREATE TABLE saved_reply_files (
    id TEXT PRIMARY KEY,
    saved_reply_id TEXT NOT NULL REFERENCES saved_replies (id) ON DELETE CASCADE,
    uploader_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    size BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    width BIGINT,
    height BIGINT,
    sha256 TEXT NOT NULL,
    blob_id TEXT NOT NULL REFERENCES blobs (id),
    thumbnail_blob_id TEXT REFERENCES blobs (id),
    thumbnail_type TEXT,
    thumbnail_size BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX saved_reply_files_by_reply ON saved_reply_files (saved_reply_id, position);
CREATE INDEX saved_reply_files_by_blob ON saved_reply_files (blob_id);
CREATE INDEX saved_reply_files_by_thumbnail ON saved_reply_files (thumbnail_blob_id);
