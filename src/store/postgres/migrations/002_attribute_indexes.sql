-- Migration 2: the attributes ListUsers filters search, by value, so that a
-- prefix filter reads only the users it matches.
-- Never edit a released migration: append a new one.
--
-- Indented as the string literal it was before it moved to this file, so
-- a database created now holds the same schema text as one created then.

    -- The value of one attribute, as the attribute indexes hold it. text
    -- cannot hold NUL, so jsonb refuses the escape \u0000: every \u0000 of
    -- the JSON becomes \u0001 before it is parsed. Only the last character
    -- of the six changes, so the JSON stays valid whether the backslash
    -- starts an escape or ends an escaped backslash: NUL becomes U+0001 and
    -- the characters `\u0000` become `\u0001`. That makes a few false
    -- matches, which the store filters out, and never a failed write.
    CREATE FUNCTION userpool_attribute(attributes text, attribute text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT pg_catalog.jsonb_object_field_text(pg_catalog.replace(
            attributes, E'\\u0000', E'\\u0001')::pg_catalog.jsonb, attribute) $$;

    -- The first 128 characters of each value (a B-tree row must stay under
    -- about 2.7 kB; values may be far longer), compared byte by byte. Not
    -- partial, though users without the attribute then have an entry too:
    -- the planner uses the statistics ANALYZE gathers on the expressions of
    -- full indexes only, and without them it cannot tell a prefix most users
    -- share (read the pool in username order) from a rare one (read the
    -- index).
    CREATE INDEX users_by_email ON users (left(pool, 128),
        (left(userpool_attribute(attributes, 'email'), 128) COLLATE "C"));
    CREATE INDEX users_by_phone_number ON users (left(pool, 128),
        (left(userpool_attribute(attributes, 'phone_number'), 128) COLLATE "C"));
    CREATE INDEX users_by_name ON users (left(pool, 128),
        (left(userpool_attribute(attributes, 'name'), 128) COLLATE "C"));
    CREATE INDEX users_by_given_name ON users (left(pool, 128),
        (left(userpool_attribute(attributes, 'given_name'), 128) COLLATE "C"));
    CREATE INDEX users_by_family_name ON users (left(pool, 128),
        (left(userpool_attribute(attributes, 'family_name'), 128) COLLATE "C"));
    CREATE INDEX users_by_preferred_username ON users (left(pool, 128),
        (left(userpool_attribute(attributes, 'preferred_username'), 128) COLLATE "C"));
    CREATE INDEX users_by_sub ON users (left(pool, 128),
        (left(userpool_attribute(attributes, 'sub'), 128) COLLATE "C"));
