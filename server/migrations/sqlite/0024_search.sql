-- Search (issue 20). A message is found by its own text and by its files:
-- their names and the text read out of them when they were uploaded. Both
-- live on the message row (`files_text`, kept by the triggers below) so one
-- full-text index, FTS5 here and a GIN index on PostgreSQL, covers them.

-- The text read out of an uploaded file (PDF, plain text, Office); NULL when
-- none could be.
ALTER TABLE attachments ADD COLUMN text TEXT;
ALTER TABLE messages ADD COLUMN files_text TEXT NOT NULL DEFAULT '';

-- External content: the index keeps only its terms, and reads the words
-- around a hit back from `messages` for the snippet. Its rowid is `seq`, so
-- walking it newest first needs no sort.
CREATE VIRTUAL TABLE message_search USING fts5 (
    text, files_text,
    content = 'messages', content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search (rowid, text, files_text) VALUES (new.seq, new.text, new.files_text);
END;
CREATE TRIGGER message_search_update AFTER UPDATE OF text, files_text ON messages BEGIN
    INSERT INTO message_search (message_search, rowid, text, files_text)
        VALUES ('delete', old.seq, old.text, old.files_text);
    INSERT INTO message_search (rowid, text, files_text) VALUES (new.seq, new.text, new.files_text);
END;
CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
    INSERT INTO message_search (message_search, rowid, text, files_text)
        VALUES ('delete', old.seq, old.text, old.files_text);
END;

-- A file joins its message when sent (or is copied into one, for mass
-- messages and saved replies): the message is found by it from then on.
-- Capped, as the PostgreSQL side must be (a tsvector holds at most 1 MB).
CREATE TRIGGER message_files_attached AFTER UPDATE OF message_id ON attachments
WHEN new.message_id IS NOT NULL BEGIN
    UPDATE messages SET files_text = substr(coalesce((
        SELECT group_concat(name || ' ' || coalesce(text, ''), ' ')
        FROM (SELECT name, text FROM attachments WHERE message_id = new.message_id ORDER BY position)
    ), ''), 1, 300000) WHERE id = new.message_id;
END;
CREATE TRIGGER message_files_inserted AFTER INSERT ON attachments
WHEN new.message_id IS NOT NULL BEGIN
    UPDATE messages SET files_text = substr(coalesce((
        SELECT group_concat(name || ' ' || coalesce(text, ''), ' ')
        FROM (SELECT name, text FROM attachments WHERE message_id = new.message_id ORDER BY position)
    ), ''), 1, 300000) WHERE id = new.message_id;
END;

-- Files already sent are found by their names.
UPDATE messages SET files_text = coalesce((
    SELECT group_concat(name, ' ') FROM attachments a WHERE a.message_id = messages.id
), '') WHERE EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = messages.id);
INSERT INTO message_search (message_search) VALUES ('rebuild');
