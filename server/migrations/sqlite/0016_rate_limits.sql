-- Rates shared by every node (uploads per person): for each key, when its
-- next request is due if requests came evenly (GCRA's theoretical arrival
-- time, in ms). A key whose time has passed holds nothing and is forgotten.
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    due_at BIGINT NOT NULL
);
