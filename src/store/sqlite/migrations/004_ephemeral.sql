-- Migration 4: ephemeral records, small state every process sharing the
-- file sees (guesses and sends per hour, the lockout of unknown names),
-- replaced by compare-and-swap on a version that is never given twice.
-- Never edit a released migration: append a new one.

CREATE TABLE ephemeral (
    pool TEXT NOT NULL,
    key TEXT NOT NULL,
    data BLOB NOT NULL,
    expires_at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (pool, key)
) WITHOUT ROWID;

-- The last version given to an ephemeral record, of any pool: one row.
CREATE TABLE ephemeral_versions (last INTEGER NOT NULL);
INSERT INTO ephemeral_versions (last) VALUES (0);
