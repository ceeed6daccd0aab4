-- Migration 5: which attribute is the user's username (email or phone
-- number) in pools with username attributes, since in pools with both only
-- that one is a sign-in key before it is verified; and the hourly guess
-- window leaves the codes table for an ephemeral record of its own.
-- Never edit a released migration: append a new one.

ALTER TABLE users ADD COLUMN username_attribute text COLLATE "C";

ALTER TABLE codes DROP COLUMN window_started_at, DROP COLUMN window_attempts;
