-- Passwords people set themselves. `password_version` is part of every
-- password-reset link's signature and goes up with each change of password,
-- so a reset link works once and dies with the password it was sent for.
-- Internal users are invited like clients: `invite_version` and
-- `invite_expires_at` sign and void their invitation links.
ALTER TABLE internal_users ADD COLUMN password_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE internal_users ADD COLUMN invite_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE internal_users ADD COLUMN invite_expires_at INTEGER;
ALTER TABLE clients ADD COLUMN password_version INTEGER NOT NULL DEFAULT 0;
