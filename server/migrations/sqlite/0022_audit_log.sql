-- The audit log: who did what, when and from where (docs/decisions.md,
-- "The audit log"). Each entry is written in the transaction of the change
-- it records. Names are kept as they were at the time, so an entry stays
-- readable after the person or thing it names is gone; nothing here refers
-- to other tables, so no deletion elsewhere can reach it.
CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    -- `session.signedIn`, `apiKey.created`, … (`domain::audit::Action`).
    action TEXT NOT NULL,
    -- `internalUser`, `client`, `apiKey`, `operator` (the command line) or
    -- `anonymous` (nobody signed in, e.g. a failed sign-in).
    actor_type TEXT NOT NULL,
    actor_id TEXT,
    actor_name TEXT,
    target_type TEXT,
    target_id TEXT,
    target_name TEXT,
    -- `api`, `web` or `commandLine`.
    via TEXT NOT NULL,
    ip_address TEXT,
    user_agent TEXT,
    -- A JSON object; never a secret.
    details TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX audit_events_by_action ON audit_events (action, seq);
CREATE INDEX audit_events_by_actor ON audit_events (actor_id, seq);
CREATE INDEX audit_events_by_target ON audit_events (target_id, seq);
CREATE INDEX audit_events_by_time ON audit_events (created_at);

-- Append-only for everyone: the database itself refuses to change or
-- remove an entry, whatever the code (or an admin with a SQL shell) asks.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be deleted');
END;
