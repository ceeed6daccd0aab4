-- Migration 8: tracked devices (`DeviceStore`), keyed by pool and device
-- key, found by owner (listing, deleting a user) and, while unconfirmed,
-- by expiry (sweeping). A confirmed device has no expiry (NULL).
-- Never edit a released migration: append a new one.

CREATE TABLE devices (
    pool TEXT NOT NULL,
    key TEXT NOT NULL,
    username TEXT NOT NULL,
    sub TEXT NOT NULL,
    group_key TEXT NOT NULL,
    status TEXT NOT NULL,
    sealed_verifier BLOB,
    name TEXT,
    last_ip TEXT,
    created_at INTEGER NOT NULL,
    modified_at INTEGER NOT NULL,
    last_authenticated_at INTEGER,
    expires_at INTEGER,
    version INTEGER NOT NULL,
    PRIMARY KEY (pool, key)
) WITHOUT ROWID;
CREATE INDEX devices_by_owner ON devices (pool, username);
CREATE INDEX devices_by_expiry ON devices (pool, expires_at);
