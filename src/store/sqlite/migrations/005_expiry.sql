-- Migration 5: sweeping what has expired (`SweepStore`). Every kind of
-- row that expires gets an index on (pool, expires_at), so a sweep reads
-- only the rows it deletes. A revoked family's names remember the family
-- (its origin_jti, which finds its tokens) and the latest expiry of its
-- tokens, before which a sweep does not look at them.
-- Never edit a released migration: append a new one.

ALTER TABLE revoked_families ADD COLUMN family TEXT NOT NULL DEFAULT '';
ALTER TABLE revoked_families ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;

-- The families of the names revoked so far: a name is an origin_jti or an
-- event_id; one that names no stored token is its own family (it has no
-- token left to refuse). The event index lives only for this.
CREATE INDEX refresh_tokens_by_event_migration_5 ON refresh_tokens (pool, event_id);
UPDATE revoked_families SET family = COALESCE(
    (SELECT t.origin_jti FROM refresh_tokens t
     WHERE t.pool = revoked_families.pool AND t.origin_jti = revoked_families.id LIMIT 1),
    (SELECT t.origin_jti FROM refresh_tokens t
     WHERE t.pool = revoked_families.pool AND t.event_id = revoked_families.id LIMIT 1),
    revoked_families.id);
DROP INDEX refresh_tokens_by_event_migration_5;
UPDATE revoked_families SET expires_at = COALESCE(
    (SELECT max(t.expires_at) FROM refresh_tokens t
     WHERE t.pool = revoked_families.pool AND t.origin_jti = revoked_families.family),
    0);

CREATE INDEX revoked_families_by_expiry ON revoked_families (pool, expires_at);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (pool, expires_at);
CREATE INDEX codes_by_expiry ON codes (pool, expires_at);
CREATE INDEX used_once_by_pool_expiry ON used_once (pool, expires_at);
CREATE INDEX ephemeral_by_expiry ON ephemeral (pool, expires_at);
