-- Migration 3: the attributes ListUsers filters search, by value, so a prefix
-- filter reads only the users it matches.
-- Never edit a released migration: append a new one.
--
-- Indented as the string literal it was before it moved to this file, so
-- a database created now holds the same schema text as one created then.

    CREATE INDEX users_by_email ON users (pool, json_extract(attributes, '$.email'));
    CREATE INDEX users_by_phone_number ON users (pool, json_extract(attributes, '$.phone_number'));
    CREATE INDEX users_by_name ON users (pool, json_extract(attributes, '$.name'));
    CREATE INDEX users_by_given_name ON users (pool, json_extract(attributes, '$.given_name'));
    CREATE INDEX users_by_family_name ON users (pool, json_extract(attributes, '$.family_name'));
    CREATE INDEX users_by_preferred_username
        ON users (pool, json_extract(attributes, '$.preferred_username'));
    CREATE INDEX users_by_sub ON users (pool, json_extract(attributes, '$.sub'));
