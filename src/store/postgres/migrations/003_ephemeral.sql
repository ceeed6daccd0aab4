-- Migration 3: ephemeral records, small state every process sharing the
-- database sees (guesses and sends per hour, the lockout of unknown
-- names), replaced by compare-and-swap on a version that is never given
-- twice: each write takes the next value of ephemeral_versions.
-- Never edit a released migration: append a new one.

CREATE TABLE ephemeral (
    pool text COLLATE "C" NOT NULL,
    key text COLLATE "C" NOT NULL,
    data bytea NOT NULL,
    expires_at bigint NOT NULL,
    version bigint NOT NULL,
    k bytea GENERATED ALWAYS AS (userpool_key2(pool, key)) STORED PRIMARY KEY
);
CREATE INDEX ephemeral_by_pool ON ephemeral (left(pool, 128));

CREATE SEQUENCE ephemeral_versions AS bigint MINVALUE 1 NO CYCLE;
