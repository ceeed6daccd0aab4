-- Migration 1: the initial schema.
-- Never edit a released migration: append a new one.
--
-- Indented as the string literal it was before it moved to this file, so
-- a database created now holds the same schema text as one created then.

    CREATE TABLE users (
        pool TEXT NOT NULL,
        username TEXT NOT NULL,
        attributes TEXT NOT NULL,
        status TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        password_hash TEXT,
        srp_verifier BLOB,
        temporary_password_expires_at INTEGER,
        failed_sign_ins INTEGER NOT NULL,
        locked_until INTEGER,
        last_sign_in_attempt INTEGER,
        version INTEGER NOT NULL,
        PRIMARY KEY (pool, username)
    ) WITHOUT ROWID;

    CREATE TABLE user_keys (
        pool TEXT NOT NULL,
        key TEXT NOT NULL,
        username TEXT NOT NULL,
        PRIMARY KEY (pool, key),
        FOREIGN KEY (pool, username) REFERENCES users (pool, username) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE INDEX user_keys_by_owner ON user_keys (pool, username);

    CREATE TABLE codes (
        pool TEXT NOT NULL,
        username TEXT NOT NULL,
        purpose TEXT NOT NULL,
        id INTEGER NOT NULL,
        digest BLOB NOT NULL,
        attribute TEXT,
        destination TEXT,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        window_started_at INTEGER NOT NULL,
        window_attempts INTEGER NOT NULL,
        PRIMARY KEY (pool, username, purpose)
    ) WITHOUT ROWID;

    CREATE TABLE refresh_tokens (
        pool TEXT NOT NULL,
        digest BLOB NOT NULL,
        client_id TEXT NOT NULL,
        username TEXT NOT NULL,
        sub TEXT NOT NULL,
        origin_jti TEXT NOT NULL,
        event_id TEXT NOT NULL,
        auth_time INTEGER NOT NULL,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        replaced_at INTEGER,
        PRIMARY KEY (pool, digest)
    ) WITHOUT ROWID;
    CREATE INDEX refresh_tokens_by_user ON refresh_tokens (pool, username);
    CREATE INDEX refresh_tokens_by_family ON refresh_tokens (pool, origin_jti);

    -- Revoked families under both their names (origin_jti and event_id).
    CREATE TABLE revoked_families (
        pool TEXT NOT NULL,
        id TEXT NOT NULL,
        PRIMARY KEY (pool, id)
    ) WITHOUT ROWID;

    CREATE TABLE used_once (
        pool TEXT NOT NULL,
        id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (pool, id)
    ) WITHOUT ROWID;
    CREATE INDEX used_once_by_expiry ON used_once (expires_at);

    CREATE TABLE groups (
        pool TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT,
        role_arn TEXT,
        precedence INTEGER,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        PRIMARY KEY (pool, name)
    ) WITHOUT ROWID;

    CREATE TABLE memberships (
        pool TEXT NOT NULL,
        group_name TEXT NOT NULL,
        username TEXT NOT NULL,
        PRIMARY KEY (pool, group_name, username),
        FOREIGN KEY (pool, group_name) REFERENCES groups (pool, name) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE INDEX memberships_by_user ON memberships (pool, username);
