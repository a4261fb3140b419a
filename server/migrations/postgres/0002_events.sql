-- The event log behind the realtime socket. `seq` is the resume cursor.
--
-- Every transaction that records an event first bumps `event_counter`; the
-- row lock it takes is held until commit, so events become visible in `seq`
-- order even when several server processes share one database. A reader
-- that has seen event N therefore never later finds an event below N.
CREATE TABLE event_counter (
    id BIGINT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO event_counter (id, value) VALUES (1, 0);

CREATE TABLE events (
    seq BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,
    -- The channel whose members may see the event.
    channel_id TEXT,
    -- For events that change who sees a channel: who sees it now (JSON).
    audience TEXT,
    -- The object, exactly as the REST API returns it (JSON).
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX events_by_time ON events (created_at);
