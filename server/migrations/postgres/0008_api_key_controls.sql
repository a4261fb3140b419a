-- API keys get an expiry, a record of their last use and two limits, and
-- their names become unique so an operator can revoke one by name.
ALTER TABLE api_keys ADD COLUMN expires_at BIGINT;
ALTER TABLE api_keys ADD COLUMN last_used_at BIGINT;
ALTER TABLE api_keys ADD COLUMN read_only BIGINT NOT NULL DEFAULT 0;
-- Keys made before could send on anyone's behalf; they keep that right.
ALTER TABLE api_keys ADD COLUMN send_as_others BIGINT NOT NULL DEFAULT 1;

-- Names were not unique before: the oldest key keeps its name, later ones
-- with the same name get their id added.
UPDATE api_keys SET name = name || ' (' || id || ')'
WHERE EXISTS (
    SELECT 1 FROM api_keys older
    WHERE older.name = api_keys.name
      AND (older.created_at < api_keys.created_at
           OR (older.created_at = api_keys.created_at AND older.id < api_keys.id))
);
CREATE UNIQUE INDEX api_keys_by_name ON api_keys (name);
