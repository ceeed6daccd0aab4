-- Migration 2: pools and app clients, so a restarted process serves the same ones.
-- Never edit a released migration: append a new one.
--
-- Indented as the string literal it was before it moved to this file, so
-- a database created now holds the same schema text as one created then.

    CREATE TABLE pools (
        id TEXT NOT NULL PRIMARY KEY,
        definition TEXT NOT NULL,
        sealed_secrets BLOB NOT NULL,
        sealing_key_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        version INTEGER NOT NULL
    ) WITHOUT ROWID;

    -- Client ids are unique across pools: the primary key is the id alone.
    CREATE TABLE clients (
        client_id TEXT NOT NULL PRIMARY KEY,
        pool TEXT NOT NULL,
        definition TEXT NOT NULL,
        sealed_secret BLOB,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        version INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX clients_by_pool ON clients (pool, client_id);
