-- Retention (issue 20). When set, messages older than this many months are
-- deleted with their files, on whichever node does housekeeping; NULL keeps
-- everything, as before.
ALTER TABLE workspace ADD COLUMN retention_months BIGINT;

-- A client under legal hold: retention deletes nothing the client can see
-- (their own conversation, their groups, their companies') while it lasts.
-- The audit log is never reached by retention, hold or not.
CREATE TABLE legal_holds (
    client_id TEXT PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
    placed_by TEXT NOT NULL,
    placed_at BIGINT NOT NULL
);
