-- Migration 1: the initial schema.
-- Never edit a released migration: append a new one.
--
-- Indented as the string literal it was before it moved to this file, so
-- a database created now holds the same schema text as one created then.

    -- Row keys: SHA-256 of the key fields, each but the last prefixed by its
    -- length, so that no two field lists share one (text never holds NUL,
    -- and the database is UTF8, so convert_to is deterministic).
    CREATE FUNCTION userpool_key1(a text) RETURNS bytea
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT pg_catalog.sha256(pg_catalog.convert_to(a, 'UTF8')) $$;
    CREATE FUNCTION userpool_key2(a text, b text) RETURNS bytea
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT pg_catalog.sha256(pg_catalog.convert_to(
            pg_catalog.concat(pg_catalog.octet_length(a), ':', a, b), 'UTF8')) $$;
    CREATE FUNCTION userpool_key3(a text, b text, c text) RETURNS bytea
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT pg_catalog.sha256(pg_catalog.convert_to(pg_catalog.concat(
            pg_catalog.octet_length(a), ':', a, pg_catalog.octet_length(b), ':', b, c),
            'UTF8')) $$;

    CREATE TABLE users (
        pool text COLLATE "C" NOT NULL,
        username text COLLATE "C" NOT NULL,
        attributes text NOT NULL,
        status text NOT NULL,
        enabled boolean NOT NULL,
        created_at bigint NOT NULL,
        modified_at bigint NOT NULL,
        password_hash bytea,
        srp_verifier bytea,
        temporary_password_expires_at bigint,
        failed_sign_ins bigint NOT NULL,
        locked_until bigint,
        last_sign_in_attempt bigint,
        version bigint NOT NULL,
        k bytea GENERATED ALWAYS AS (userpool_key2(pool, username)) STORED PRIMARY KEY
    );
    CREATE INDEX users_order ON users (left(pool, 128), left(username, 128));

    CREATE TABLE user_keys (
        pool text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        username text COLLATE "C" NOT NULL,
        k bytea GENERATED ALWAYS AS (userpool_key2(pool, key)) STORED PRIMARY KEY
    );
    CREATE INDEX user_keys_by_owner ON user_keys (userpool_key2(pool, username));
    CREATE INDEX user_keys_by_pool ON user_keys (left(pool, 128));

    CREATE TABLE codes (
        pool text COLLATE "C" NOT NULL,
        username text COLLATE "C" NOT NULL,
        purpose text COLLATE "C" NOT NULL,
        id bigint NOT NULL,
        digest bytea NOT NULL,
        attribute text,
        destination text,
        issued_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        attempts bigint NOT NULL,
        window_started_at bigint NOT NULL,
        window_attempts bigint NOT NULL,
        k bytea GENERATED ALWAYS AS (userpool_key3(pool, username, purpose)) STORED PRIMARY KEY
    );
    CREATE INDEX codes_by_owner ON codes (userpool_key2(pool, username));
    CREATE INDEX codes_by_pool ON codes (left(pool, 128));

    CREATE TABLE refresh_tokens (
        pool text COLLATE "C" NOT NULL,
        digest bytea NOT NULL,
        client_id text COLLATE "C" NOT NULL,
        username text COLLATE "C" NOT NULL,
        sub text COLLATE "C" NOT NULL,
        origin_jti text COLLATE "C" NOT NULL,
        event_id text COLLATE "C" NOT NULL,
        auth_time bigint NOT NULL,
        issued_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        replaced_at bigint,
        k bytea GENERATED ALWAYS AS (userpool_key2(pool, encode(digest, 'hex'))) STORED
            PRIMARY KEY
    );
    CREATE INDEX refresh_tokens_by_user ON refresh_tokens (userpool_key2(pool, username));
    CREATE INDEX refresh_tokens_by_family ON refresh_tokens (userpool_key2(pool, origin_jti));
    CREATE INDEX refresh_tokens_by_pool ON refresh_tokens (left(pool, 128));

    -- Revoked families under both their names (origin_jti and event_id).
    CREATE TABLE revoked_families (
        pool text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        k bytea GENERATED ALWAYS AS (userpool_key2(pool, id)) STORED PRIMARY KEY
    );
    CREATE INDEX revoked_families_by_pool ON revoked_families (left(pool, 128));

    CREATE TABLE used_once (
        pool text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        expires_at bigint NOT NULL,
        k bytea GENERATED ALWAYS AS (userpool_key2(pool, id)) STORED PRIMARY KEY
    );
    CREATE INDEX used_once_by_expiry ON used_once (expires_at);
    CREATE INDEX used_once_by_pool ON used_once (left(pool, 128));

    CREATE TABLE groups (
        pool text COLLATE "C" NOT NULL,
        name text COLLATE "C" NOT NULL,
        description bytea,
        role_arn bytea,
        precedence bigint,
        created_at bigint NOT NULL,
        modified_at bigint NOT NULL,
        k bytea GENERATED ALWAYS AS (userpool_key2(pool, name)) STORED PRIMARY KEY
    );
    CREATE INDEX groups_order ON groups (left(pool, 128), left(name, 128));

    CREATE TABLE memberships (
        pool text COLLATE "C" NOT NULL,
        group_name text COLLATE "C" NOT NULL,
        username text COLLATE "C" NOT NULL,
        k bytea GENERATED ALWAYS AS (userpool_key3(pool, group_name, username)) STORED
            PRIMARY KEY
    );
    CREATE INDEX memberships_order
        ON memberships (left(pool, 128), left(group_name, 128), left(username, 128));
    CREATE INDEX memberships_by_user ON memberships (userpool_key2(pool, username));

    CREATE TABLE pools (
        id text COLLATE "C" NOT NULL,
        definition bytea NOT NULL,
        sealed_secrets bytea NOT NULL,
        sealing_key_id text COLLATE "C" NOT NULL,
        created_at bigint NOT NULL,
        modified_at bigint NOT NULL,
        version bigint NOT NULL,
        k bytea GENERATED ALWAYS AS (userpool_key1(id)) STORED PRIMARY KEY
    );
    CREATE INDEX pools_order ON pools (left(id, 128));

    -- Client ids are unique across pools: the key is the id alone.
    CREATE TABLE clients (
        client_id text COLLATE "C" NOT NULL,
        pool text COLLATE "C" NOT NULL,
        definition bytea NOT NULL,
        sealed_secret bytea,
        created_at bigint NOT NULL,
        modified_at bigint NOT NULL,
        version bigint NOT NULL,
        k bytea GENERATED ALWAYS AS (userpool_key1(client_id)) STORED PRIMARY KEY
    );
    CREATE INDEX clients_order ON clients (left(pool, 128), left(client_id, 128));
