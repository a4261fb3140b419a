-- Sign-in throttling, shared by every node of a cluster (docs/decisions.md,
-- "Sign-in limits"). `sign_in_attempts` counts attempts per bucket in fixed
-- windows: `address:` buckets per client address (IPv6 by /64), `account:` buckets
-- per account from addresses it has not signed in from, `account-at:` buckets
-- per account and one address it has signed in from.
CREATE TABLE sign_in_attempts (
    bucket TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX sign_in_attempts_by_window ON sign_in_attempts (window_start);

-- Addresses (IPv6 by /64) an account has signed in from, and when last:
-- attempts from them do not share the account's limit with strangers.
CREATE TABLE sign_in_known_addresses (
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    last_success_at BIGINT NOT NULL,
    PRIMARY KEY (account, address)
);
CREATE INDEX sign_in_known_addresses_by_time ON sign_in_known_addresses (last_success_at);
