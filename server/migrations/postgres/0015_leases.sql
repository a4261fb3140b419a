-- Work that one node at a time should do (housekeeping): whoever holds a
-- named lease until `held_until` does it; a node that stops lets it lapse.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    held_until BIGINT NOT NULL
);
