-- Parlor's core model. Ids are UUID text; `seq` orders rows and pages lists.
-- Timestamps are milliseconds since the Unix epoch; flags are 0/1 integers,
-- which both backends read the same way.

CREATE TABLE workspace (
    id TEXT PRIMARY KEY,
    brand_name TEXT NOT NULL,
    default_channel_type TEXT NOT NULL DEFAULT 'individual',
    welcome_message TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE companies (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    fallback_color TEXT NOT NULL,
    icon_image_url TEXT,
    is_placeholder BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX companies_real_name ON companies (name) WHERE is_placeholder = 0;

CREATE TABLE internal_users (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    is_client_access_limited BIGINT NOT NULL DEFAULT 0,
    password_hash TEXT,
    fallback_color TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE internal_user_company_access (
    user_id TEXT NOT NULL REFERENCES internal_users (id) ON DELETE CASCADE,
    company_id TEXT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, company_id)
);
CREATE INDEX company_access_by_company ON internal_user_company_access (company_id);

CREATE TABLE clients (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    password_hash TEXT,
    fallback_color TEXT NOT NULL,
    invite_version BIGINT NOT NULL DEFAULT 0,
    invite_expires_at BIGINT,
    first_login_at BIGINT,
    last_login_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE client_companies (
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    company_id TEXT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    position BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (client_id, company_id)
);
CREATE INDEX client_companies_by_company ON client_companies (company_id);

CREATE TABLE channels (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    membership_type TEXT NOT NULL,
    client_id TEXT REFERENCES clients (id) ON DELETE CASCADE,
    company_id TEXT REFERENCES companies (id) ON DELETE CASCADE,
    last_message_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX one_individual_channel_per_client ON channels (client_id) WHERE membership_type = 'individual';
CREATE UNIQUE INDEX one_company_channel_per_company ON channels (company_id) WHERE membership_type = 'company';
CREATE INDEX channels_by_company ON channels (company_id);

CREATE TABLE channel_members (
    channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    PRIMARY KEY (channel_id, client_id)
);
CREATE INDEX channel_members_by_client ON channel_members (client_id);

CREATE TABLE messages (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    sender_id TEXT NOT NULL,
    sender_type TEXT NOT NULL,
    text TEXT NOT NULL,
    is_welcome BIGINT NOT NULL DEFAULT 0,
    idempotency_key TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT
);
CREATE INDEX messages_by_channel ON messages (channel_id, seq);
CREATE UNIQUE INDEX messages_idempotency ON messages (sender_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE read_states (
    channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    last_read_seq BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (channel_id, user_id)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    user_type TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    internal_user_id TEXT NOT NULL REFERENCES internal_users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);

CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
