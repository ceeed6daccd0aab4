-- Migration 7: tracked devices (`DeviceStore`), keyed by pool and device
-- key, found by owner (listing, deleting a user), by pool (deleting a
-- pool) and, while unconfirmed, by expiry (sweeping). A confirmed device
-- has no expiry (NULL).
-- Never edit a released migration: append a new one.

CREATE TABLE devices (
    pool text COLLATE "C" NOT NULL,
    key text COLLATE "C" NOT NULL,
    username text COLLATE "C" NOT NULL,
    sub text COLLATE "C" NOT NULL,
    group_key text COLLATE "C" NOT NULL,
    status text NOT NULL,
    sealed_verifier bytea,
    name text,
    last_ip text,
    created_at bigint NOT NULL,
    modified_at bigint NOT NULL,
    last_authenticated_at bigint,
    expires_at bigint,
    version bigint NOT NULL,
    k bytea GENERATED ALWAYS AS (userpool_key2(pool, key)) STORED PRIMARY KEY
);
CREATE INDEX devices_by_owner ON devices (userpool_key2(pool, username));
CREATE INDEX devices_by_pool ON devices (left(pool, 128));
CREATE INDEX devices_by_expiry ON devices (left(pool, 128), expires_at);
