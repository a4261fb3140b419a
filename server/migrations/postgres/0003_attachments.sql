-- Files. `blobs` is the ledger of what the blob store holds: a row is written
-- before the first byte is stored (is_complete = 0) and completed when the
-- whole file is in, so every stored byte is known here and can be cleaned up.
-- `attachments` are the files people see; several (one per message of a mass
-- message) may share one blob. A complete blob that no attachment references
-- any more is deleted from the store.
CREATE TABLE blobs (
    id TEXT PRIMARY KEY,
    size BIGINT NOT NULL DEFAULT 0,
    is_complete BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX blobs_incomplete ON blobs (created_at) WHERE is_complete = 0;

CREATE TABLE attachments (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    uploader_id TEXT NOT NULL,
    -- NULL until the file is sent in a message.
    message_id TEXT REFERENCES messages (id) ON DELETE CASCADE,
    position BIGINT NOT NULL DEFAULT 0,
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
CREATE INDEX attachments_by_message ON attachments (message_id, position);
CREATE INDEX attachments_unsent ON attachments (created_at) WHERE message_id IS NULL;
CREATE INDEX attachments_by_blob ON attachments (blob_id);
CREATE INDEX attachments_by_thumbnail ON attachments (thumbnail_blob_id);
