-- Migration 4: sweeping what has expired (`SweepStore`). Every kind of
-- row that expires gets an index on (pool, expires_at), so a sweep reads
-- only the rows it deletes. A revoked family's names remember the family
-- (its origin_jti, which finds its tokens) and the latest expiry of its
-- tokens, before which a sweep does not look at them.
-- Never edit a released migration: append a new one.

ALTER TABLE revoked_families ADD COLUMN family text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE revoked_families ADD COLUMN expires_at bigint NOT NULL DEFAULT 0;

-- The families of the names revoked so far: a name is an origin_jti or an
-- event_id; one that names no stored token is its own family (it has no
-- token left to refuse). The event index lives only for this.
CREATE INDEX refresh_tokens_by_event_migration_4 ON refresh_tokens (userpool_key2(pool, event_id));
UPDATE revoked_families r SET family = COALESCE(
    (SELECT t.origin_jti FROM refresh_tokens t
     WHERE userpool_key2(t.pool, t.origin_jti) = r.k AND t.pool = r.pool AND t.origin_jti = r.id
     LIMIT 1),
    (SELECT t.origin_jti FROM refresh_tokens t
     WHERE userpool_key2(t.pool, t.event_id) = r.k AND t.pool = r.pool AND t.event_id = r.id
     LIMIT 1),
    r.id);
DROP INDEX refresh_tokens_by_event_migration_4;
UPDATE revoked_families r SET expires_at = COALESCE(
    (SELECT max(t.expires_at) FROM refresh_tokens t
     WHERE userpool_key2(t.pool, t.origin_jti) = userpool_key2(r.pool, r.family)
     AND t.pool = r.pool AND t.origin_jti = r.family),
    0);

CREATE INDEX revoked_families_by_expiry ON revoked_families (left(pool, 128), expires_at);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (left(pool, 128), expires_at);
CREATE INDEX codes_by_expiry ON codes (left(pool, 128), expires_at);
CREATE INDEX used_once_by_pool_expiry ON used_once (left(pool, 128), expires_at);
CREATE INDEX ephemeral_by_expiry ON ephemeral (left(pool, 128), expires_at);
