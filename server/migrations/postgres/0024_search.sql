-- Search (issue 20). A message is found by its own text and by its files:
-- their names and the text read out of them when they were uploaded. Both
-- live on the message row (`files_text`, kept by the trigger below) so one
-- full-text index, a GIN index here and FTS5 on SQLite, covers them.

-- The text read out of an uploaded file (PDF, plain text, Office); NULL when
-- none could be.
ALTER TABLE attachments ADD COLUMN text TEXT;
ALTER TABLE messages ADD COLUMN files_text TEXT NOT NULL DEFAULT '';

-- 'simple': every word as written, lower-cased, in any language; no
-- stemming. Punctuation becomes space first, so that `acme-ledger.pdf` or
-- `ann@acme.com` are words, as SQLite's tokenizer and the query parser
-- (`domain::search`) split them, not one host or e-mail token.
ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', regexp_replace(text, '[[:punct:]]+', ' ', 'g'))
    || to_tsvector('simple', regexp_replace(files_text, '[[:punct:]]+', ' ', 'g'))
) STORED;
CREATE INDEX messages_search ON messages USING gin (search);

-- A file joins its message when sent (or is copied into one, for mass
-- messages and saved replies): the message is found by it from then on.
-- Capped: a tsvector holds at most 1 MB.
CREATE FUNCTION message_files_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE messages SET files_text = left(coalesce((
        SELECT string_agg(name || ' ' || coalesce(text, ''), ' ' ORDER BY position)
        FROM attachments WHERE message_id = NEW.message_id
    ), ''), 300000) WHERE id = NEW.message_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER message_files_attached AFTER INSERT OR UPDATE OF message_id ON attachments
    FOR EACH ROW WHEN (NEW.message_id IS NOT NULL) EXECUTE FUNCTION message_files_text();

-- Files already sent are found by their names.
UPDATE messages m SET files_text = coalesce((
    SELECT string_agg(a.name, ' ' ORDER BY a.position) FROM attachments a WHERE a.message_id = m.id
), '') WHERE EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.id);
